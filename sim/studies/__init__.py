"""Studies over a scenario's uncertain settings: global sensitivity (SALib) and calibration
by the method of simulated moments (scipy), each run as a batch (sim/batch.py)."""
