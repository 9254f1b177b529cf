"""The on-chain program's integer math, bit for bit (reference: protocol-v2 tag v2.161.0).

Names and argument orders are the program's: ``math/<file>.rs::<fn>`` is ``driftlab.exact.<fn>``; struct
methods (``AMM::reserve_price``) are dataclass methods; enums and constants keep their names. Results are
Python ints with Rust's truncating division and the program's rounding; where the program returns ``Err``
these functions raise the ``DriftError`` subclass of that ``ErrorCode`` (``MathError``, ``TradeSizeTooLarge``...).
"""

from .amm import *  # noqa: F403
from .constants import *  # noqa: F403
from .enums import *  # noqa: F403
from .errors import *  # noqa: F403
from .helpers import *  # noqa: F403
from .orders import *  # noqa: F403
from .quote_asset import *  # noqa: F403
from .safe_math import *  # noqa: F403
from .state import *  # noqa: F403
from .stats import *  # noqa: F403
from .amm import _calculate_market_open_bids_asks  # noqa: F401
