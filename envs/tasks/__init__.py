"""Built-in MuJoCo tasks: one small module per domain."""
