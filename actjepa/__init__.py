"""actjepa: latent model-predictive planning with an ACT-JEPA world model.

The project's packages live in the repository's top-level folders and are imported through this name:
`actjepa.envs` (tasks, experts, datasets), `actjepa.world_model` (the ACT-JEPA model and its training),
`actjepa.planner` (CEM and MPPI over any model that satisfies `actjepa.planner.protocol`) and
`actjepa.benchmarks` (the `actjepa` command and the experiments). This module imports none of them, so
importing `actjepa.planner` loads torch and numpy only.
"""
