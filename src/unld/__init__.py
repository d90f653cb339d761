"""unld: a linked-data publisher for United Nations resolutions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unld")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

#: Version of the JSON record contract printed by ``unld parse`` (README, "Record").
RECORD_VERSION = 2
