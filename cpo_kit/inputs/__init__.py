"""A company's data and params coming in and being checked, before anything is computed.

The data contract (:mod:`~cpo_kit.inputs.contract`) declares every table; a data folder's
files are matched to tables (:mod:`~cpo_kit.inputs.table_files`), opened through their
compression (:mod:`~cpo_kit.inputs.compression`), their CSV lines located
(:mod:`~cpo_kit.inputs.csv_text`), read into typed frames (:mod:`~cpo_kit.inputs.loaders`)
and checked (:mod:`~cpo_kit.inputs.validate`); :mod:`~cpo_kit.inputs.company` hands the
result to the notebooks. A database or an engine is reached through one URL grammar and
one ``connect`` (:mod:`~cpo_kit.inputs.sources`); a params file is read by
:mod:`~cpo_kit.inputs.params_file`.

May import :mod:`cpo_kit.core` and :mod:`cpo_kit.metrics` (the KPI keys a key result may name).
"""
