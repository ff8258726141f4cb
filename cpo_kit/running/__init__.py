"""Running the playbook's notebooks on a company's data: ``cpo-kit run`` and what it checks.

:mod:`~cpo_kit.running.notebooks` declares the notebooks and the tables each needs;
:mod:`~cpo_kit.running.parameters` reads what each declares in its ``parameters`` cell and
checks what a user gives; :mod:`~cpo_kit.running.preflight` checks data and params as one
before a run; :mod:`~cpo_kit.running.playbook` runs the notebooks into a new run folder,
each in a process of its own (:mod:`~cpo_kit.running.notebook_process`);
:mod:`~cpo_kit.running.compare` says what changed between two runs.

May import every part above it: core, inputs, metrics, analyses and reports.
"""
