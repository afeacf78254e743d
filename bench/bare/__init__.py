"""The baseline of bench/submit.py and bench/life.py: a bare DRF
ModelViewSet creating a model shaped like a dossier, with nothing of the
portal's rules. Installed only by the benchmarks' own settings
(`bench.bare.settings`); the portal never ships it."""
