"""The AI tiers: AnimateDiff, SVD, SVD-XT, LTX-Video and Wan2.2 TI2V-5B image-to-video, made to fit the machine.

Pure Python (importable without torch):

* :mod:`.options` -- the user's AI settings (steps, motion strength, prompt...);
* :mod:`.spec` -- what a model is (native size, frames per clip, parameter counts);
* :mod:`.machine` -- the device an AI tier would use: its memory budget and speed;
* :mod:`.plan` -- the memory-aware plan: a pure function of the hardware and the job
  (:mod:`.plan_dit`: the levers and costs of the video-transformer tiers);
* :mod:`.clips` -- audio-length video from short clips: schedule, seams, retiming;
* :mod:`.checkpoint` -- finished clips on disk, so a killed render resumes;
* :mod:`.dispatch` -- which AI tiers a render tries, strongest first.

torch and diffusers are imported only by :mod:`.backends`, :mod:`.dit` and :mod:`.runner`, and
only when an AI tier actually renders.
"""
