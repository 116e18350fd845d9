class RiskReferenceConverter:
    """A risk's reference in its address: R and a number, for example /risks/R7/."""

    regex = "R[1-9][0-9]{0,4}"
    sample = "R3"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
