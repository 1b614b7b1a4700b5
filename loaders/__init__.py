"""ESCO files to triples: find the files of a download, read them, write the ESCO model."""

from loaders.bundle import Bundle, open_bundle
from loaders.esco_csv import LoadReport, bundle_ntriples

__all__ = ["Bundle", "LoadReport", "bundle_ntriples", "open_bundle"]
