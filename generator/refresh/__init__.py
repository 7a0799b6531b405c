"""The living archive: what became of each featured paper (roundup refresh, papers.lock.yaml)."""
