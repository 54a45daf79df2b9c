"""Task -> Planner -> Steps -> StepRunner, the engine under fix, edit, recipes and CI."""
