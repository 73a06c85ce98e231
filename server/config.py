"""Default settings. Each can be overridden by an environment variable `NCKG_<NAME>`, then by create_app's test_config.

Environment values are parsed as JSON when they are valid JSON (`NCKG_QUERY_TIMEOUT=10`,
`NCKG_RATELIMIT_ENABLED=true`) and taken as plain strings otherwise. See server/README.md, "Hardening and limits".
"""

import os

STORE_PATH = None  # None: nckg.config.store_path(), i.e. NCKG_STORE or <root>/var/store (symlink to the current build)
# copy the store into memory (faster joins and scans, more RAM): "auto" (default) = in memory while the copies
# (workers + web process) fit in half the available memory, the read-only on-disk store beyond
# (nckg.store.backend.resolve_in_memory); True; or False (every process opens the on-disk store read-only). An in-memory
# copy is still never written: no serving code path updates a store (updates are refused over HTTP and in workers)
STORE_IN_MEMORY = "auto"
HTTP_PROCESSES = 1  # web processes serving the app (set by `nckg serve` for granian): "auto" sizes copies with it

# --- query execution (/sparql): isolated worker processes -------------------------------------------------------
QUERY_WORKERS = min(4, max(2, os.cpu_count() or 2))  # worker processes; 0 runs queries in the web process
#   (development only: no timeout, no crash isolation)
QUERY_TIMEOUT = 30.0  # seconds a query may run; then its worker is killed and replaced, the client gets 504
LEAN_SPARQL = True  # answer ordinary /sparql queries on a plain WSGI path in front of Flask (server/fastpath.py)
QUERY_QUEUE_TIMEOUT = 10.0  # seconds a request waits for a free worker before 503 (with Retry-After)
WORKER_MEMORY_LIMIT_MB = "auto"  # address-space cap of each worker in MiB (0: none); a query over it ends with 503.
#   "auto": 2048 over the on-disk store; with STORE_IN_MEMORY, 2048 + 3.5 x the store's size (nckg.store.backend)
WORKER_NETWORK_ISOLATION = True  # workers drop network access (new network namespace) when SERVICE_ALLOWLIST is empty
WORKER_STARTUP_TIMEOUT = "auto"  # seconds a new worker may take to start; "auto": 120, or with STORE_IN_MEMORY
#   three times the expected copy time of the store (20 MiB/s, measured on a loaded machine), whichever is longer

# --- limits ----------------------------------------------------------------------------------------------------
RESULT_ROW_LIMIT = 10000  # solutions / triples per /sparql answer; beyond: cut, `X-NCKG-Truncated: true` (0: no cap)
MAX_QUERY_LENGTH = 100_000  # characters of one query (414 in a GET URL, 413 in a POST body)
MAX_QUERY_NESTING = 64  # depth of nested { } ( ) [ ] in a query (400); pyoxigraph overflows its stack at ~3000
MAX_CONTENT_LENGTH = 1024 * 1024  # largest accepted request body (a POSTed query), in bytes: larger ones get 413
MAX_FORM_MEMORY_SIZE = 1024 * 1024  # largest form field (a form-encoded query), in bytes: larger ones get 413

# --- federation ------------------------------------------------------------------------------------------------
SERVICE_ALLOWLIST = ()  # SERVICE endpoint IRIs queries may call (exact match; env: space/comma separated). None by
#   default: SERVICE is refused with 400 and the workers have no network at all (no server-side request forgery)

# --- per-client rate limit (flask-limiter) ---------------------------------------------------------------------
RATELIMIT_ENABLED = False  # off by default
RATELIMIT_DEFAULT = "120 per minute; 2000 per hour"  # per client address, over every route but /static
RATELIMIT_STORAGE_URI = "memory://"  # per process; e.g. redis://host:6379 to share between processes
RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* and Retry-After headers
TRUSTED_PROXIES = 0  # reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host are trusted

# --- response headers ------------------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS_SECONDS = 0  # Strict-Transport-Security max-age; set it (e.g. 31536000) only when served over HTTPS

# --- logging ---------------------------------------------------------------------------------------------------
ACCESS_LOG = True  # one JSON line per request on the `nckg.access` logger (request id, status, timings)

# --- linked data ---------------------------------------------------------------------------------------------
PUBLIC_BASE = None  # None: pages link the graph's w3id IRIs to this server's own /resource/... and /ontology pages;
#   a URL (NCKG_PUBLIC_BASE, e.g. "https://w3id.org/nckg/" on the public deployment): links go there instead

# --- backend and caching (see server/README.md, "Scaling out and caching") ------------------
SPARQL_URL = None  # a remote SPARQL 1.1 query endpoint used instead of the embedded store (NCKG_SPARQL_URL)
SPARQL_UPDATE_URL = None  # its SPARQL UPDATE endpoint (NCKG_SPARQL_UPDATE_URL; only `nckg build --target` writes)
GSP_URL = None  # its Graph Store Protocol endpoint (NCKG_GSP_URL)
REMOTE_VERSION_TTL = 5.0  # seconds between reads of the remote store's version marker (cache invalidation)
CACHE_SIZE = 256  # serialized GET answers kept in memory (LRU) per process; 0 disables the cache and the ETags
CACHE_MAX_AGE = 60  # Cache-Control max-age (seconds) of cacheable GET answers; proxies revalidate with ETags
CACHE_MAX_BODY = 4 * 1024 * 1024  # larger answers are not kept in memory (they still get an ETag)
