"""Confidence intervals of the voice metrics and of averages: an NPS, a share, a mean.

The intervals a kept library has are taken from it: :func:`wilson_interval` from
statsmodels' ``proportion_confint(method="wilson")`` and :func:`mean_interval` from
scipy's Student t distribution; this module only adds what the playbook needs around
them (vectorised over periods, NaN where there are no answers, exact bounds at shares
of 0 and 1). :func:`nps_interval` is written here because no kept library has it: an
NPS is a difference of two shares of the same answers, and statsmodels' intervals for
two proportions assume independent samples.

Part of :mod:`cpo_kit.metrics`: imports only numpy, scipy and statsmodels.
"""
from __future__ import annotations

import numpy as np

#: The normal quantile of a two-sided 95% interval.
Z_95 = 1.96


#: Pseudo-answers of the adjusted Wald interval: this many promoters and as many
#: detractors are added, and twice as many answers in all (the rest as passives).
_PSEUDO = 0.75


def nps_adjusted(promoters, detractors, responses) -> tuple[np.ndarray, np.ndarray]:
    """NPS and its variance after adding the three pseudo-answers of :func:`nps_interval`.

    Parameters
    ----------
    promoters, detractors, responses : array-like
        Counts of answers of 9 or 10, of 0 to 6 and of all answers.

    Returns
    -------
    tuple of arrays
        The adjusted NPS, in points, and its variance, in points squared: never 0,
        even where every answer agrees.

    Raises
    ------
    ValueError
        When a count is negative or promoters and detractors exceed the answers.

    Examples
    --------
    >>> centre, variance = nps_adjusted(3, 0, 3)  # 3.75 promoters, 0.75 detractors of 6
    >>> round(float(centre), 1), round(float(variance), 1)
    (50.0, 833.3)
    """
    p, d = np.asarray(promoters, dtype=float), np.asarray(detractors, dtype=float)
    n = np.asarray(responses, dtype=float)
    if np.any(p < 0) or np.any(d < 0) or np.any(p + d > n):
        raise ValueError("promoters and detractors must be counts whose sum is at most "
                         "responses")
    total = n + 4 * _PSEUDO
    p_adj, d_adj = (p + _PSEUDO) / total, (d + _PSEUDO) / total
    return 100 * (p_adj - d_adj), 100 ** 2 * (p_adj + d_adj - (p_adj - d_adj) ** 2) / total


def nps_interval(promoters, detractors, responses, *, z: float = Z_95
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The adjusted Wald interval of NPS, in points from -100 to 100.

    Three pseudo-answers are added to the counts, ¾ of a promoter, ¾ of a detractor
    and 1½ passives (Rocks, "Interval estimation for the Net Promoter Score", *The
    American Statistician* 70(4), 2016, which found it the best of six methods on
    coverage). With ``p`` and ``d`` the adjusted promoter and detractor shares of
    ``n + 3`` answers, the interval is ``100 × (p − d) ± z × 100 × sqrt((p + d −
    (p − d)²) / (n + 3))``, the variance being that of the difference of two shares
    of one sample. The plain Wald interval, on the counts as they are, has no width
    when every answer agrees (three promoters of three give [100, 100]); this one
    does. The bounds are clipped to -100 and 100, and widened where needed to take
    in the observed NPS, which only a single answer would otherwise leave outside
    (one promoter: 25 ± 73.5, so up to 98.5 against the observed 100).

    Written here rather than taken from statsmodels: its intervals for a difference of
    two shares (``confint_proportions_2indep``) take the shares from two independent
    samples, while promoters and detractors are shares of one.

    Parameters
    ----------
    promoters, detractors, responses : array-like
        Counts of answers of 9 or 10, of 0 to 6 and of all answers; where
        ``responses`` is 0 the bounds are NaN.
    z : float
        The normal quantile: 1.96 for a 95% interval.

    Returns
    -------
    tuple of arrays
        The lower and upper bounds, in NPS points.

    Raises
    ------
    ValueError
        When a count is negative or promoters and detractors exceed the answers.

    Examples
    --------
    >>> low, high = nps_interval(3, 0, 3)  # the plain Wald interval: [100, 100]
    >>> round(float(low), 1), round(float(high), 1)
    (-6.6, 100.0)
    """
    p, d = np.asarray(promoters, dtype=float), np.asarray(detractors, dtype=float)
    n = np.asarray(responses, dtype=float)
    centre, variance = nps_adjusted(p, d, n)
    half = z * np.sqrt(variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = 100 * (p - d) / n
    low = np.minimum(np.clip(centre - half, -100, 100), observed)
    high = np.maximum(np.clip(centre + half, -100, 100), observed)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def wilson_interval(successes, n, *, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a share: ``successes`` out of ``n``.

    Unlike the normal approximation it stays within 0 and 1 and behaves with few
    answers or shares near 0 or 1, which CSAT often is. The bounds are statsmodels'
    (``proportion_confint(method="wilson")``); around them, a count of 0 answers
    gives NaN without a warning, and a share of 0 or 1 has its bound at exactly 0 or
    1 whatever the rounding.

    Parameters
    ----------
    successes, n : array-like
        Counts; where ``n`` is 0 the bounds are NaN.
    z : float
        The normal quantile: 1.96 for a 95% interval.

    Returns
    -------
    tuple of arrays
        The lower and upper bounds.

    Raises
    ------
    ValueError
        When a count is negative or ``successes`` exceeds ``n``.

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.49, 0.943)
    """
    # Imported here: every notebook imports the metrics, few need an interval.
    from scipy.stats import norm
    from statsmodels.stats.proportion import proportion_confint

    k, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(n < 0) or np.any(k > n):
        raise ValueError("successes and n must be counts with successes at most n")
    with np.errstate(divide="ignore", invalid="ignore"):
        # statsmodels takes the interval's coverage, not its quantile: 1.96 is 95.0% and a bit.
        low, high = proportion_confint(k, n, alpha=2 * norm.sf(z), method="wilson")
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def mean_interval(mean, sd, n, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The t interval of a mean, from the mean, standard deviation and size of each sample.

    The bounds are scipy's ``stats.t.interval`` with ``n − 1`` degrees of freedom,
    centred on the mean and scaled by its standard error ``sd / sqrt(n)``. Around
    them: fewer than two values give NaN (there is no spread to measure), and values
    that all agree (``sd`` 0) give the mean itself as both bounds, where scipy, which
    wants a positive scale, gives NaN.

    Parameters
    ----------
    mean, sd, n : array-like
        Each sample's mean, standard deviation (``ddof=1``) and number of values.
    confidence : float
        The interval's confidence, between 0 and 1.

    Returns
    -------
    tuple of arrays
        The lower and upper bounds.

    Raises
    ------
    ValueError
        When ``confidence`` is not between 0 and 1.

    Examples
    --------
    >>> low, high = mean_interval(75.0, 25.0, 3)  # 75 ± 4.303 × 25 / sqrt(3)
    >>> round(float(low), 2), round(float(high), 2)
    (12.9, 137.1)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    # Imported here: every notebook imports the metrics, few need a t quantile.
    from scipy import stats

    mean, sd = np.asarray(mean, dtype=float), np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    n = np.where(n > 1, n, np.nan)
    error = sd / np.sqrt(n)
    with np.errstate(invalid="ignore"):
        low, high = stats.t.interval(confidence, n - 1, loc=mean,
                                     scale=np.where(error > 0, error, np.nan))
    agreed = error == 0
    return np.where(agreed, mean, low), np.where(agreed, mean, high)
