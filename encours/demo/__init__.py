"""Demo data: a seeded, realistic French receivables portfolio (``generate(PortfolioSpec(...))``)."""
from encours.demo.generator import PayerProfile, PortfolioSpec, demo_customers, generate, iter_portfolio

__all__ = ["PayerProfile", "PortfolioSpec", "demo_customers", "generate", "iter_portfolio"]
