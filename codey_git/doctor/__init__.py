"""`git codey doctor`'s logic: what this machine is (``system``), what could stop a run here
(``checks``), the configuration it should start from (``suggest``), and the one-screen report
and exit code (``report``). No typer, no rich: tested directly."""
