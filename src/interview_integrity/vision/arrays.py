"""Array type names used across the vision package."""

from typing import Any

import numpy.typing as npt

Array = npt.NDArray[Any]
