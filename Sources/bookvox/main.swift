import Bookvox
print("bookvox")
