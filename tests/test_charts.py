"""The server-drawn charts of the role page: salaries on one scale per currency, kept apart by basis."""
from rolegraph.server.charts import salaries


def words(key, **values):
    return key  # the message keys stand for the words: what is asserted is the chart, not the language


def row(low, high, currency="EUR", period="year", basis="gross", **extra):
    return {"min": low, "max": high, "currency": currency, "period": period, "basis": basis,
            "employment": "salaried", **extra}


def test_one_chart_per_currency_and_monthly_figures_made_yearly():
    charts = salaries([row(30000, 40000), row(2500, 3000, period="month"), row(50000, 70000, currency="GBP"),
                       row(400, 500, period="day")], words)
    assert [c.currency for c in charts] == ["EUR", "GBP"]
    eur = charts[0]
    assert [p["axis"] for p in eur.panels] == ["yearly", "daily"]
    yearly = eur.panels[0]["bars"]
    assert sorted((b["low"], b["high"]) for b in yearly) == [(30000, 36000), (30000, 40000)]
    # one scale in a panel: the same figure is at the same place whatever its bar
    assert yearly[0]["x"] == yearly[1]["x"]


def test_a_bound_alone_is_an_open_bar():
    (chart,) = salaries([row(None, 65000), row(30000, None)], words)
    bars = chart.panels[0]["bars"]
    assert all(b["open"] for b in bars) and {b["text"] for b in bars} == {"salary.up_to 65\u202f000 EUR",
                                                                        "salary.from 30\u202f000 EUR"}


def test_the_summary_never_pools_gross_and_net():
    (chart,) = salaries([row(30000, 40000), row(24000, 30000, basis="net"), row(45000, 60000)], words)
    assert chart.summary == ("30\u202f000 – 60\u202f000 EUR salary.per.year, salary.gross · "
                             "24\u202f000 – 30\u202f000 EUR salary.per.year, salary.net")
