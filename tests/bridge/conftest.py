from tests.bridge.qt_fixtures import no_dangling_threads, qasync_loop, vidgen_home  # noqa: F401
