"""cpo_kit: the logic behind the CPO Playbook's notebooks, one subpackage per job.

- :mod:`cpo_kit.core`: what every other part builds on (exceptions, number formats,
  text safe for markdown, whole-file writes);
- :mod:`cpo_kit.inputs`: a company's data and params coming in and being checked
  (the data contract, table files, loaders, data sources, :func:`load_company`);
- :mod:`cpo_kit.metrics`: the KPI catalogue and the metric registry, computed on any engine;
- :mod:`cpo_kit.analyses`: the worked methods of the playbook's chapters;
- :mod:`cpo_kit.plots`: the charts; :mod:`cpo_kit.readings`: the words written from the numbers;
- :mod:`cpo_kit.reports`: what notebooks leave behind and the stakeholder report made from it;
- :mod:`cpo_kit.running`: running the notebooks (``cpo-kit run``) and comparing runs;
- :mod:`cpo_kit.site`: the published book (``cpo-kit publish``);
- :mod:`cpo_kit.sample`: the sample companies' generator; :mod:`cpo_kit.cli`: the ``cpo-kit`` command.

Each part imports only the parts before it in this list (the sample, only itself).
"""
from cpo_kit.core.errors import CpoKitError, DataError, DataProblem, ParamsError
from cpo_kit.inputs.company import Company, load_company
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.validate import check_folder

__version__ = "0.1.0"
__all__ = ["TABLES", "Company", "CpoKitError", "DataError", "DataProblem", "ParamsError",
           "check_folder", "load_company"]
