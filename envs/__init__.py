"""Goal-conditioned MuJoCo tasks, scripted experts, and demonstration datasets."""
