"""A decoder from latents back to observations, fitted after training on a frozen world model (for pictures
of what a plan imagines); builds on core/ and training/'s checkpoints, and nothing that plans uses it."""
