"""Demo dataset: realistic, clearly labelled invented data loaded through the real loaders."""

from loaders.demo.build import DemoSummary, build_demo
from loaders.demo.files import DemoFile, write_demo_files

__all__ = ["DemoFile", "DemoSummary", "build_demo", "write_demo_files"]
