"""A folder put on the test run's PYTHONPATH so that pytest can load ``codey_pytest_report`` with
``-p``. It holds nothing else, so nothing of codey shadows the project's own modules."""
