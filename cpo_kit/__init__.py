"""cpo_kit: the logic behind the CPO Playbook's notebooks.

Data contracts (:mod:`cpo_kit.schemas`), loading and checking company data
(:func:`load_company`, :func:`check_folder`), metrics (:mod:`cpo_kit.metrics`),
charts (:mod:`cpo_kit.plots`) and the notebook runner (:mod:`cpo_kit.runner`).
"""
from cpo_kit.company import Company, load_company
from cpo_kit.errors import CpoKitError, DataError, DataProblem, ParamsError
from cpo_kit.schemas import TABLES
from cpo_kit.validate import check_folder

__version__ = "0.1.0"
__all__ = ["TABLES", "Company", "CpoKitError", "DataError", "DataProblem", "ParamsError",
           "check_folder", "load_company"]
