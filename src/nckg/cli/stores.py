"""The store every CLI command reads, and its --store option."""

from __future__ import annotations

from pathlib import Path

import click

from nckg import config

store_option = click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
                            help="Store location (default: the remote store of $NCKG_SPARQL_URL, else $NCKG_STORE or var/store).")


def open_store(store_path: Path | None):
    """The store a command reads: --store, else the remote one named by $NCKG_SPARQL_URL, else var/store, else
    (an installed wheel, no checkout) the graph the wheel carries."""
    import os  # noqa: PLC0415

    from nckg.store.backend import open_store as open_backend  # noqa: PLC0415

    try:
        if store_path is not None:
            return open_backend(store_path, environ={})
        if not os.environ.get("NCKG_SPARQL_URL") and not config.store_path().exists():
            packaged = packaged_store(config.store_path())
            if packaged is not None:
                return open_backend(packaged, environ={})
        return open_backend()
    except OSError as error:
        raise click.ClickException(f"cannot open the store: {error}") from None


def packaged_store(missing: Path) -> Path | None:
    """Outside a checkout, an on-disk store made once from the dataset the installed wheel carries (in the user's
    cache folder); None in a checkout or when the installation carries no dataset."""
    from nckg.store import packaged  # noqa: PLC0415

    dataset = packaged.dataset_path()
    if config.in_checkout() or dataset is None:
        return None
    store = packaged.on_disk_store(dataset)
    click.echo(f"no store at {missing}: answering from the packaged graph ({store})", err=True)
    return store
