"""The fine-tuned encoder experiment (needs torch; see ``research/README.md``). Not part of the package."""
