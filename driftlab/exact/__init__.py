"""The on-chain program's integer math, bit for bit (reference: protocol-v2 tag v2.161.0).

Names and argument orders are the program's: ``math/<file>.rs::<fn>`` is ``driftlab.exact.<fn>``; struct
methods (``AMM::reserve_price``) are dataclass methods; enums and constants keep their names. Results are
Python ints with Rust's truncating division and the program's rounding; where the program returns ``Err``
these functions raise the ``DriftError`` subclass of that ``ErrorCode`` (``MathError``, ``TradeSizeTooLarge``...).
"""

from .amm import *  # noqa: F403
from .amm_jit import *  # noqa: F403
from .amm_spread import *  # noqa: F403
from .auction import *  # noqa: F403
from .bankruptcy import *  # noqa: F403
from .constants import *  # noqa: F403
from .controller_amm import *  # noqa: F403
from .controller_insurance import *  # noqa: F403
from .controller_lp import *  # noqa: F403
from .controller_position import *  # noqa: F403
from .controller_repeg import *  # noqa: F403
from .controller_spot_balance import *  # noqa: F403
from .controller_spot_position import *  # noqa: F403
from .cp_curve import *  # noqa: F403
from .enums import *  # noqa: F403
from .errors import *  # noqa: F403
from .fees import *  # noqa: F403
from .fuel import *  # noqa: F403
from .fulfillment import *  # noqa: F403
from .funding import *  # noqa: F403
from .helpers import *  # noqa: F403
from .insurance import *  # noqa: F403
from .liquidation import *  # noqa: F403
from .lp import *  # noqa: F403
from .margin import *  # noqa: F403
from .margin_calculation import *  # noqa: F403
from .matching import *  # noqa: F403
from .oracle import *  # noqa: F403
from .orders import *  # noqa: F403
from .pnl import *  # noqa: F403
from .position import *  # noqa: F403
from .quote_asset import *  # noqa: F403
from .repeg import *  # noqa: F403
from .safe_math import *  # noqa: F403
from .serum import *  # noqa: F403
from .spot_balance import *  # noqa: F403
from .spot_swap import *  # noqa: F403
from .spot_withdraw import *  # noqa: F403
from .state import *  # noqa: F403
from .stats import *  # noqa: F403
from .validation_order import *  # noqa: F403
