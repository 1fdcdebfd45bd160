# scratch notes while reading milestone 2 (not a step)
import numpy as np

a = np.array([1.0, 2.0])
print(a * 2)
