"""Packaging tests: resources, the About box, --self-test, and (tests/packaging/test_bundle.py) the frozen app."""

from tests.bridge.qt_fixtures import no_dangling_threads, qasync_loop, vidgen_home  # noqa: F401
