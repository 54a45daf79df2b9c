"""`git codey review`: review a diff with a local model. Core code only; the CLI is in commands/."""
