"""Book step 55's program, then more sizes and pair()."""
import shim  # noqa: F401
from dezero.utils import get_conv_outsize, pair

H, W = 4, 4  # Input size
KH, KW = 3, 3  # Kernel size
SH, SW = 1, 1  # Kernel stride
PH, PW = 1, 1  # Padding size

OH = get_conv_outsize(H, KH, SH, PH)
OW = get_conv_outsize(W, KW, SW, PW)
print(OH, OW)

for args in [(7, 3, 1, 0), (7, 3, 2, 0), (28, 5, 1, 2), (32, 3, 2, 1), (224, 7, 2, 3), (5, 5, 1, 0),
             (6, 2, 2, 0), (10, 4, 3, 1), (1, 1, 1, 0), (3, 5, 1, 1)]:
    print(args, get_conv_outsize(*args))
for x in [1, 3, (2, 3), (1, 1)]:
    print(repr(x), pair(x))
