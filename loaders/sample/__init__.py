RELEASE = "v1.2.0"
"""The ESCO release the sample is cut from (its folder's name does not say)."""
