"""Default settings. Each can be overridden by an environment variable `NCKG_<NAME>`, then by create_app's test_config."""

STORE_PATH = None  # None: nckg.config.store_path(), i.e. NCKG_STORE or <root>/var/store (a symlink to the current build)
STORE_IN_MEMORY = False  # copy the store into memory when (re)opening it: faster queries, more RAM
MAX_CONTENT_LENGTH = 1024 * 1024  # largest accepted request body (a POSTed query), in bytes: larger ones get 413
