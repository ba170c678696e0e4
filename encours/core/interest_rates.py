"""The rate tables Encours ships, as plain data; ``shipped_rate_tables()`` wraps them for core/interest.py.

Written in percent as published and converted to fractions once (``"3.15"`` -> ``Decimal("0.0315")``).
Time-varying figures: re-check them against the ECB, Banque de France and Légifrance before a release, and
add each new half-year (the legal rate is published at the end of the previous half-year). Later, rates an
administrator adds in the database will extend these tables; the core functions take the tables as a
parameter for that reason.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from encours.core.interest import HalfYear, RateTables

# ECB main refinancing operations rate, percent, from its effective date.
# Sources: https://www.banque-france.fr/en/policy-rates ; https://retout.fr/?p=12408
ECB_MAIN_REFINANCING_PERCENT = (
    (date(2014, 9, 10), "0.05"),
    (date(2016, 3, 16), "0.00"),
    (date(2022, 7, 27), "0.50"),
    (date(2022, 9, 14), "1.25"),
    (date(2022, 11, 2), "2.00"),
    (date(2022, 12, 21), "2.50"),
    (date(2023, 2, 8), "3.00"),
    (date(2023, 3, 22), "3.50"),
    (date(2023, 5, 10), "3.75"),
    (date(2023, 6, 21), "4.00"),
    (date(2023, 8, 2), "4.25"),
    (date(2023, 9, 20), "4.50"),
    (date(2024, 6, 12), "4.25"),
    (date(2024, 9, 18), "3.65"),
    (date(2024, 10, 23), "3.40"),
    (date(2024, 12, 18), "3.15"),
    (date(2025, 2, 5), "2.90"),
    (date(2025, 3, 12), "2.65"),
    (date(2025, 4, 23), "2.40"),
    (date(2025, 6, 11), "2.15"),
)
# Left unchanged at 2.15 % on 11 Sep 2025, 18 Dec 2025 and 5 Feb 2026, the last decision checked; the rate in
# force on 1 July 2026 is not known yet.
# Sources:
# https://www.debrecensun.hu/europe/2025/12/31/ecb-keeps-interest-rates-unchanged-sees-inflation-returning-to-target/
# https://en.cloudevo.ai/2026/02/05/ecb-interest-rates-left-unchanged-for-a-fifth-consecutive-meeting-what-the-governing-councils-decision-says
ECB_CONFIRMED_UNTIL = date(2026, 2, 5)

# Taux de l'intérêt légal per half-year, percent: (particuliers, autres cas). CMF L313-2, D313-1-A.
LEGAL_RATES_PERCENT = {
    # 2015 to 2019, secondary source: https://jecomparelesbanques.com/news/taux-d-interet-legal-au-1er.html
    # (aeccompta.com gives 0.88 for 2018 H1 and 0.76 for 2019 H1 "autres cas": unconfirmed, not used).
    HalfYear(2015, 1): ("4.06", "0.93"),
    HalfYear(2015, 2): ("4.29", "0.99"),
    HalfYear(2016, 1): ("4.54", "1.01"),
    HalfYear(2016, 2): ("4.35", "0.93"),
    HalfYear(2017, 1): ("4.16", "0.90"),
    HalfYear(2017, 2): ("3.94", "0.90"),
    HalfYear(2018, 1): ("3.73", "0.89"),
    HalfYear(2018, 2): ("3.60", "0.88"),
    HalfYear(2019, 1): ("3.40", "0.86"),
    HalfYear(2019, 2): ("3.26", "0.87"),
    # https://www.cabinet-cec.fr/taux-de-linteret-legal-pour-le-second-semestre-2020/
    HalfYear(2020, 1): ("3.15", "0.87"),
    HalfYear(2020, 2): ("3.11", "0.84"),
    # https://dandrel-avocats.fr/taux-de-linteret-legal-du-2nd-semestre-2021/
    HalfYear(2021, 1): ("3.14", "0.79"),
    HalfYear(2021, 2): ("3.12", "0.76"),
    # https://notaires2normandie.com/nos-actus/les-taux-de-linteret-legal-sont-fixes-pour-le-premier-semestre-2022
    HalfYear(2022, 1): ("3.13", "0.76"),
    # https://bejuris.fr/taux-de-linteret-legal-pour-le-second-semestre-2022-arrete-du-27-6-2022/
    HalfYear(2022, 2): ("3.15", "0.77"),
    # https://notaires2normandie.com/nos-actus/les-taux-de-linteret-legal-applicables-au-cours-du-second-semestre-2023-sont-fixes
    HalfYear(2023, 1): ("4.47", "2.06"),
    HalfYear(2023, 2): ("6.82", "4.22"),
    # https://leparticulier.lefigaro.fr/tag/dette ; exeoffice.eu
    HalfYear(2024, 1): ("8.01", "5.07"),
    # https://infos.votrexpert.com/votrexpert-actualite/chiffres/taux_interet_legal.html
    HalfYear(2024, 2): ("8.16", "4.92"),
    # https://ksca.fr/contenus-juridiques/actualites/lire/taux-de-linteret-legal-a-compter-du-1er-juillet-2025/615065
    HalfYear(2025, 1): ("7.21", "3.71"),
    # https://infos.votrexpert.com/ECOSPHERE_EXPERTISE/chiffres/taux_interet_legal.html
    HalfYear(2025, 2): ("6.65", "2.76"),
    # arrêté of 15 Dec 2025, JORF 26 Dec 2025: https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136
    HalfYear(2026, 1): ("6.67", "2.62"),
}


def _fraction(percent: str) -> Decimal:
    return Decimal(percent) / 100


def shipped_rate_tables() -> RateTables:
    """The tables above as a RateTables: ECB changes from 10 Sep 2014, legal rates from 2015 H1 to 2026 H1."""
    return RateTables(
        ecb_changes=tuple((day, _fraction(percent)) for day, percent in ECB_MAIN_REFINANCING_PERCENT),
        ecb_confirmed_until=ECB_CONFIRMED_UNTIL,
        legal_private_individual={h: _fraction(p) for h, (p, _) in LEGAL_RATES_PERCENT.items()},
        legal_other={h: _fraction(other) for h, (_, other) in LEGAL_RATES_PERCENT.items()},
    )
