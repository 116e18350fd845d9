"""The risk matrix: which band each likelihood x impact cell is in, how often a risk in each band is reviewed, and
what the scales' points mean. All from settings (RISK_MATRIX, RISK_REVIEW_MONTHS), never a hard-coded product."""

from dataclasses import dataclass

from django.conf import settings

SCALE = range(1, 6)

LIKELIHOOD = {
    1: ("Rare", "May happen only in exceptional circumstances; not expected in the next five years."),
    2: ("Unlikely", "Could happen at some time; not expected this year."),
    3: ("Possible", "Might happen this year; has happened here or to a similar board."),
    4: ("Likely", "Will probably happen this year; has happened here recently."),
    5: ("Almost certain", "Is expected to happen within months, or is happening now."),
}
IMPACT = {
    1: ("Negligible", "No harm to children; a delay absorbed within a service."),
    2: ("Minor", "Little harm to a child; a partner's service falls short briefly; local complaint."),
    3: ("Moderate", "Harm to a child that is put right; a statutory duty partly missed; local media interest."),
    4: ("Major", "Serious harm to a child; a statutory duty missed; a poor inspection finding; national media."),
    5: ("Catastrophic", "Death or lasting serious harm to a child; a serious case review; the board failing."),
}


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    review_months: int
    order: int  # 0 for the lowest band

    @property
    def tag_class(self):
        return BAND_TAGS.get(self.code, "govuk-tag--grey")


BAND_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}
BAND_ORDER = ["low", "medium", "high", "very_high"]
BAND_TAGS = {
    "low": "govuk-tag--green",
    "medium": "govuk-tag--yellow",
    "high": "govuk-tag--orange",
    "very_high": "govuk-tag--red",
}


def bands():
    """The bands, lowest first, with how many months a risk in each goes between reviews."""
    months = settings.RISK_REVIEW_MONTHS
    return [Band(code, BAND_LABELS[code], months[code], order) for order, code in enumerate(BAND_ORDER)]


def band_of(likelihood, impact):
    """The band of a score, read from the matrix (rows are likelihood 1-5, columns impact 1-5)."""
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError(f"Likelihood and impact are 1 to 5, not {likelihood} and {impact}")
    code = settings.RISK_MATRIX[likelihood - 1][impact - 1]
    return next(band for band in bands() if band.code == code)


def band_cells(code):
    """The (likelihood, impact) cells of the matrix in the band, so a query can ask for a band without a product."""
    return [(row, column) for row in SCALE for column in SCALE if band_of(row, column).code == code]


def default_matrix(thresholds=((4, "low"), (9, "medium"), (15, "high"), (25, "very_high"))):
    """The usual matrix: the band of likelihood x impact by the thresholds 1-4, 5-9, 10-15 and 16-25."""
    return [
        [next(code for top, code in thresholds if likelihood * impact <= top) for impact in SCALE]
        for likelihood in SCALE
    ]


def matrix_problems(matrix, months):
    """What is wrong with a matrix and review frequencies from settings; empty if nothing."""
    problems = []
    if len(matrix) != 5 or any(len(row) != 5 for row in matrix):
        problems.append("RISK_MATRIX must be 5 rows (likelihood 1-5) of 5 bands (impact 1-5).")
    elif any(code not in BAND_LABELS for row in matrix for code in row):
        problems.append(f"RISK_MATRIX cells must be one of {', '.join(BAND_ORDER)}.")
    if set(months) != set(BAND_ORDER) or any(not isinstance(m, int) or not 1 <= m <= 24 for m in months.values()):
        problems.append("RISK_REVIEW_MONTHS must give each band a whole number of months from 1 to 24.")
    return problems
