"""The reminder texts shipped with Encours: one per template code of the default scenarios
(``scenarios.DEFAULTS``), in French and in English, each language written as such (not translated through
gettext). The tone rises step by step: a courteous notice before the due date, a first reminder assuming an
oversight, a firmer second one, a last reminder stating interest and the recovery indemnity, then the formal
notice with a deadline.

What each kind of customer owes (legal reference, sections 1.3, 1.4, 2, 3 and 6.1):
- business: interest and 40 EUR per invoice, due without reminder (C. com. L441-10 II, D441-5);
- consumer: no indemnity ever (CPCE L111-8), legal-rate interest only from the formal notice
  (C. civ. 1231-6, 1344-1);
- public body: interest at the ECB rate + 8 points and 40 EUR, due automatically (CCP L2192-13, R2192-31).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from encours.collections.models import MessageTemplate
from encours.customers.models import Company


@dataclass(frozen=True)
class DefaultText:
    name: str
    subject: str
    body: str


def _french(text: str) -> str:
    """French typography: a no-break space before : ; ? ! and €, and inside « »."""
    for plain, fixed in ((" :", "\u00a0:"), (" ;", "\u00a0;"), (" ?", "\u00a0?"), (" !", "\u00a0!"),
                         (" €", "\u00a0€"), ("« ", "«\u00a0"), (" »", "\u00a0»")):
        text = text.replace(plain, fixed)
    return text


# --------------------------------------------------------------------------- French
FR_PAY = ("{% if iban %}Vous pouvez régler par virement sur notre compte IBAN {{ iban }}{% if bic %} "
          "(BIC {{ bic }}){% endif %}, en indiquant la référence {{ payment_reference }}.{% else %}Merci "
          "d’indiquer la référence {{ payment_reference }} avec votre règlement.{% endif %}")
FR_CONTACT = ("Pour toute question, votre interlocuteur est {{ collector.name }}{% if collector.email %} – "
              "{{ collector.email }}{% endif %}{% if collector.phone %} – {{ collector.phone }}{% endif %}.")
FR_PORTAL = "{% if portal_link %}Vos factures sont aussi consultables en ligne : {{ portal_link }}{% endif %}"
FR_SIGNATURE = "Le service recouvrement\n{{ company.name }}"
FR_FORMAL = "Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées."


def _fr(name: str, subject: str, *paragraphs: str) -> DefaultText:
    body = "\n\n".join(("Madame, Monsieur,", *paragraphs)) + "\n"
    return DefaultText(name, _french(subject), _french(body))


FRENCH = {
    "preventive": _fr(
        "Relance préventive",
        "Échéance prochaine de vos factures – {{ company.name }}",
        "Pour faciliter l’organisation de vos paiements, nous vous signalons que les factures ci-dessous "
            "arrivent prochainement à échéance, la première le {{ oldest_due_date }}.",
        "{{ invoice_table }}",
        "Montant à régler : {{ total }}. Ce message est un simple rappel : si le règlement est déjà prévu, "
            "il ne demande aucune démarche de votre part.",
        FR_PAY, FR_CONTACT, FR_PORTAL,
        "Nous vous remercions de votre confiance et vous adressons nos cordiales salutations.",
        FR_SIGNATURE,
    ),
    "reminder-1": _fr(
        "Première relance",
        "Rappel : règlement en attente – {{ company.name }}",
        "Sauf erreur de notre part, nous n’avons pas encore reçu le règlement des factures ci-dessous, "
            "échues depuis le {{ oldest_due_date }}. Il s’agit sans doute d’un simple oubli.",
        "{{ invoice_table }}",
        "Nous vous remercions de bien vouloir régler la somme de {{ total }} dans les meilleurs délais. Si "
            "votre paiement a croisé ce message, merci de ne pas en tenir compte.",
        FR_PAY, FR_CONTACT, FR_PORTAL, FR_FORMAL, FR_SIGNATURE,
    ),
    "reminder-2": _fr(
        "Deuxième relance",
        "Deuxième relance : {{ total }} restant dus – {{ company.name }}",
        "Malgré notre précédent rappel, les factures ci-dessous restent impayées. La plus ancienne a "
            "aujourd’hui {{ days_late }} jours de retard.",
        "{{ invoice_table }}",
        "Nous vous demandons de régler la somme de {{ total }} sous huit jours. Si une difficulté empêche ce "
            "règlement (facture contestée, livraison incomplète…), faites-le-nous savoir sans attendre afin que "
            "nous puissions la traiter.",
        FR_PAY, FR_CONTACT, FR_PORTAL, FR_FORMAL, FR_SIGNATURE,
    ),
    "last-reminder": _fr(
        "Dernière relance avant mise en demeure",
        "Dernière relance avant mise en demeure – {{ company.name }}",
        "Nos précédentes relances sont restées sans effet : les factures ci-dessous demeurent impayées, la "
            "plus ancienne depuis {{ days_late }} jours.",
        "{{ invoice_table }}",
        "Nous vous rappelons qu’en application de l’article L441-10 du Code de commerce, tout retard de "
            "paiement fait courir de plein droit, sans qu’un rappel soit nécessaire, des pénalités de retard, "
            "ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5 "
            "du même code). À ce jour, les pénalités s’élèvent à {{ total_interest }} et les indemnités à "
            "{{ total_indemnity }}.",
        "Faute de règlement de la somme de {{ total_claimed }} sous huit jours, nous vous adresserons une "
            "mise en demeure, préalable à une action en justice.",
        FR_PAY, FR_CONTACT, FR_FORMAL, FR_SIGNATURE,
    ),
    "formal-notice": _fr(
        "Mise en demeure",
        "Mise en demeure de payer – {{ company.name }}",
        "Malgré nos relances successives, les factures ci-dessous restent impayées.",
        "{{ invoice_table }}",
        "Par la présente, et en application de l’article 1344 du Code civil, nous vous mettons en demeure de "
            "nous régler, dans un délai de huit jours à compter de la réception de ce courrier, la somme de "
            "{{ total_claimed }}, qui se décompose ainsi :\n"
            "– principal restant dû : {{ total }} ;\n"
            "– pénalités de retard (article L441-10 du Code de commerce) : {{ total_interest }} ;\n"
            "– indemnités forfaitaires pour frais de recouvrement, 40 € par facture (article D441-5 du Code de "
            "commerce) : {{ total_indemnity }}.",
        "Les pénalités de retard continuent de courir jusqu’au complet paiement.",
        "À défaut de règlement dans ce délai, nous engagerons sans nouvel avis une procédure judiciaire afin "
            "d’obtenir le paiement de ces sommes.",
        FR_PAY, FR_CONTACT, FR_FORMAL, FR_SIGNATURE,
    ),
    # Consumers: never the indemnity (CPCE L111-8); interest only from the formal notice (C. civ. 1231-6).
    "consumer-reminder-1": _fr(
        "Première relance (particuliers)",
        "Rappel de paiement – {{ company.name }}",
        "Nous n’avons pas encore reçu le règlement des factures ci-dessous, arrivées à échéance le "
            "{{ oldest_due_date }}. Il s’agit probablement d’un oubli.",
        "{{ invoice_table }}",
        "Nous vous remercions de bien vouloir régler la somme de {{ total }} dès que possible. En cas de "
            "difficulté, n’hésitez pas à nous contacter : nous chercherons ensemble une solution, par exemple un "
            "paiement en plusieurs fois.",
        "Si vous avez déjà effectué ce paiement, merci de ne pas tenir compte de ce message.",
        FR_PAY, FR_CONTACT, FR_PORTAL, "Cordialement,", FR_SIGNATURE,
    ),
    "consumer-reminder-2": _fr(
        "Deuxième relance (particuliers)",
        "Deuxième rappel de paiement – {{ company.name }}",
        "Malgré notre premier rappel, les factures ci-dessous restent impayées ; la plus ancienne a "
            "{{ days_late }} jours de retard.",
        "{{ invoice_table }}",
        "Nous vous demandons de régler la somme de {{ total }} sous quinze jours. Si vous ne pouvez pas payer "
            "en une seule fois, contactez-nous rapidement pour convenir d’un échéancier.",
        "Sans nouvelles de votre part, nous serons contraints de vous adresser une mise en demeure.",
        FR_PAY, FR_CONTACT, FR_PORTAL, FR_FORMAL, FR_SIGNATURE,
    ),
    "consumer-formal-notice": _fr(
        "Mise en demeure (particuliers)",
        "Mise en demeure de payer – {{ company.name }}",
        "Malgré nos rappels, les factures ci-dessous restent impayées.",
        "{{ invoice_table }}",
        "Par la présente, et en application de l’article 1344 du Code civil, nous vous mettons en demeure de "
            "nous régler la somme de {{ total }} dans un délai de huit jours à compter de la réception de ce "
            "courrier.",
        "À compter de la présente mise en demeure, les sommes dues portent intérêts au taux légal (articles "
            "1231-6 et 1344-1 du Code civil).",
        "À défaut de paiement dans ce délai, nous saisirons la juridiction compétente afin d’obtenir un titre "
            "exécutoire.",
        "Si vous rencontrez des difficultés financières, prenez contact avec nous avant la fin de ce délai : "
            "une solution amiable reste possible.",
        FR_PAY, FR_CONTACT, FR_FORMAL, FR_SIGNATURE,
    ),
    # Public buyers: interest at the ECB rate + 8 points and 40 EUR are due automatically (CCP L2192-13).
    "public-reminder-1": _fr(
        "Première relance (acheteurs publics)",
        "Relance : factures échues – {{ company.name }}",
        "Sauf erreur de notre part, les factures ci-dessous n’ont pas été réglées dans le délai de paiement "
            "applicable.",
        "{{ invoice_table }}",
        "Nous vous rappelons qu’en application des articles L2192-13 et R2192-31 du Code de la commande "
            "publique, le dépassement du délai de paiement fait courir de plein droit des intérêts moratoires au "
            "taux de la Banque centrale européenne majoré de huit points, et ouvre droit à une indemnité "
            "forfaitaire pour frais de recouvrement de 40 € par facture. À ce jour, ils s’élèvent respectivement "
            "à {{ total_interest }} et {{ total_indemnity }}.",
        "Nous vous remercions de bien vouloir procéder au paiement de la somme de {{ total }}, augmentée des "
            "intérêts et indemnités, soit {{ total_claimed }}. Si le mandatement est en cours, merci de nous en "
            "indiquer la date.",
        FR_PAY, FR_CONTACT, FR_PORTAL, FR_FORMAL, FR_SIGNATURE,
    ),
    "public-reminder-2": _fr(
        "Deuxième relance (acheteurs publics)",
        "Deuxième relance : {{ total_claimed }} dus – {{ company.name }}",
        "Malgré notre précédente relance, les factures ci-dessous restent impayées ; la plus ancienne "
            "dépasse de {{ days_late }} jours sa date d’échéance.",
        "{{ invoice_table }}",
        "Les intérêts moratoires, au taux de la Banque centrale européenne majoré de huit points (article "
            "R2192-31 du Code de la commande publique), et l’indemnité forfaitaire de 40 € par facture sont dus "
            "de plein droit. Ils s’élèvent à ce jour à {{ total_interest }} et {{ total_indemnity }}.",
        "Nous vous demandons de procéder sous quinze jours au paiement de la somme totale de "
            "{{ total_claimed }}. À défaut, nous vous adresserons une mise en demeure.",
        FR_PAY, FR_CONTACT, FR_PORTAL, FR_FORMAL, FR_SIGNATURE,
    ),
    "public-formal-notice": _fr(
        "Mise en demeure (acheteurs publics)",
        "Mise en demeure de payer – {{ company.name }}",
        "Malgré nos relances, les factures ci-dessous restent impayées au-delà du délai de paiement.",
        "{{ invoice_table }}",
        "Par la présente, et en application de l’article 1344 du Code civil, nous vous mettons en demeure de "
            "nous régler, dans un délai de quinze jours à compter de la réception de ce courrier, la somme de "
            "{{ total_claimed }}, qui se décompose ainsi :\n"
            "– principal restant dû : {{ total }} ;\n"
            "– intérêts moratoires au taux de la Banque centrale européenne majoré de huit points (articles "
            "L2192-13 et R2192-31 du Code de la commande publique) : {{ total_interest }} ;\n"
            "– indemnités forfaitaires pour frais de recouvrement, 40 € par facture : {{ total_indemnity }}.",
        "Les intérêts moratoires continuent de courir jusqu’au paiement.",
        "À défaut de règlement dans ce délai, nous saisirons la juridiction compétente afin d’obtenir le "
            "paiement de ces sommes.",
        FR_PAY, FR_CONTACT, FR_FORMAL, FR_SIGNATURE,
    ),
}

# --------------------------------------------------------------------------- English
EN_PAY = ("{% if iban %}Please pay by bank transfer to IBAN {{ iban }}{% if bic %} (BIC {{ bic }}){% endif %}, "
          "quoting the reference {{ payment_reference }}.{% else %}Please quote the reference "
          "{{ payment_reference }} with your payment.{% endif %}")
EN_CONTACT = ("If you have any question, please contact {{ collector.name }}{% if collector.email %} – "
              "{{ collector.email }}{% endif %}{% if collector.phone %} – {{ collector.phone }}{% endif %}.")
EN_PORTAL = "{% if portal_link %}You can also see your invoices online: {{ portal_link }}{% endif %}"
EN_SIGNATURE = "Credit control\n{{ company.name }}"


def _en(name: str, subject: str, *paragraphs: str) -> DefaultText:
    return DefaultText(name, subject, "\n\n".join(("Dear Sir or Madam,", *paragraphs)) + "\n")


ENGLISH = {
    "preventive": _en(
        "Preventive reminder",
        "Invoices falling due soon – {{ company.name }}",
        "To help you plan your payments, we would like to let you know that the invoices below fall due "
            "shortly, the first on {{ oldest_due_date }}.",
        "{{ invoice_table }}",
        "Amount to pay: {{ total }}. This is only a courtesy reminder: if payment is already scheduled, "
            "there is nothing you need to do.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Thank you for your business.\n\nKind regards,", EN_SIGNATURE,
    ),
    "reminder-1": _en(
        "First reminder",
        "Payment reminder – {{ company.name }}",
        "According to our records, we have not yet received payment of the invoices below, due since "
            "{{ oldest_due_date }}. This is probably an oversight.",
        "{{ invoice_table }}",
        "We would be grateful if you could pay the amount of {{ total }} at your earliest convenience. If "
            "your payment has crossed this message, please disregard it.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Yours faithfully,", EN_SIGNATURE,
    ),
    "reminder-2": _en(
        "Second reminder",
        "Second reminder: {{ total }} overdue – {{ company.name }}",
        "Despite our previous reminder, the invoices below remain unpaid. The oldest is now "
            "{{ days_late }} days overdue.",
        "{{ invoice_table }}",
        "Please pay the amount of {{ total }} within eight days. If something prevents payment (a disputed "
            "invoice, an incomplete delivery…), please let us know straight away so that we can resolve it.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Yours faithfully,", EN_SIGNATURE,
    ),
    "last-reminder": _en(
        "Last reminder before formal notice",
        "Last reminder before formal notice – {{ company.name }}",
        "Our previous reminders have had no effect: the invoices below are still unpaid, the oldest for "
            "{{ days_late }} days.",
        "{{ invoice_table }}",
        "We remind you that under article L441-10 of the French Commercial Code, late payment automatically "
            "gives rise, without any reminder being needed, to late-payment interest and to a fixed indemnity "
            "for recovery costs of €40 per invoice (article D441-5 of the same code). To date, interest amounts "
            "to {{ total_interest }} and indemnities to {{ total_indemnity }}.",
        "Unless the sum of {{ total_claimed }} is paid within eight days, we will send you a formal notice "
            "before taking legal action.",
        EN_PAY, EN_CONTACT, "Yours faithfully,", EN_SIGNATURE,
    ),
    "formal-notice": _en(
        "Formal notice",
        "Formal notice to pay – {{ company.name }}",
        "Despite our repeated reminders, the invoices below remain unpaid.",
        "{{ invoice_table }}",
        "By this letter, pursuant to article 1344 of the French Civil Code, we give you formal notice to pay, "
            "within eight days of receiving this letter, the sum of {{ total_claimed }}, made up of:\n"
            "– principal outstanding: {{ total }};\n"
            "– late-payment interest (article L441-10 of the French Commercial Code): {{ total_interest }};\n"
            "– fixed indemnities for recovery costs, €40 per invoice (article D441-5 of the French Commercial "
            "Code): {{ total_indemnity }}.",
        "Late-payment interest continues to run until full payment.",
        "Failing payment within this period, we will take legal action to recover these sums without "
            "further notice.",
        EN_PAY, EN_CONTACT, "Yours faithfully,", EN_SIGNATURE,
    ),
    "consumer-reminder-1": _en(
        "First reminder (consumers)",
        "Payment reminder – {{ company.name }}",
        "We have not yet received payment of the invoices below, which fell due on {{ oldest_due_date }}. "
            "This is probably an oversight.",
        "{{ invoice_table }}",
        "Please pay the sum of {{ total }} as soon as possible. If you are having difficulties, do get in "
            "touch: we can look for a solution together, such as paying in instalments.",
        "If you have already paid, please disregard this message.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Kind regards,", EN_SIGNATURE,
    ),
    "consumer-reminder-2": _en(
        "Second reminder (consumers)",
        "Second payment reminder – {{ company.name }}",
        "Despite our first reminder, the invoices below are still unpaid; the oldest is {{ days_late }} "
            "days late.",
        "{{ invoice_table }}",
        "Please pay the sum of {{ total }} within fifteen days. If you cannot pay in one go, contact us "
            "quickly to agree on a payment plan.",
        "If we do not hear from you, we will have to send you a formal notice.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Yours faithfully,", EN_SIGNATURE,
    ),
    "consumer-formal-notice": _en(
        "Formal notice (consumers)",
        "Formal notice to pay – {{ company.name }}",
        "Despite our reminders, the invoices below remain unpaid.",
        "{{ invoice_table }}",
        "By this letter, pursuant to article 1344 of the French Civil Code, we give you formal notice to pay "
            "the sum of {{ total }} within eight days of receiving this letter.",
        "From this formal notice onwards, the sums due bear interest at the legal rate (articles 1231-6 and "
            "1344-1 of the French Civil Code).",
        "Failing payment within this period, we will apply to the competent court for an enforceable "
            "judgment.",
        "If you are in financial difficulty, contact us before this period ends: an amicable solution is "
            "still possible.",
        EN_PAY, EN_CONTACT, "Yours faithfully,", EN_SIGNATURE,
    ),
    "public-reminder-1": _en(
        "First reminder (public buyers)",
        "Reminder: overdue invoices – {{ company.name }}",
        "According to our records, the invoices below have not been paid within the applicable payment "
            "period.",
        "{{ invoice_table }}",
        "We remind you that under articles L2192-13 and R2192-31 of the French Public Procurement Code, "
            "exceeding the payment period automatically gives rise to late-payment interest at the European "
            "Central Bank rate plus eight points, and to a fixed indemnity for recovery costs of €40 per invoice. "
            "To date, these amount to {{ total_interest }} and {{ total_indemnity }} respectively.",
        "Please arrange payment of {{ total }}, together with the interest and indemnities, that is "
            "{{ total_claimed }}. If payment has already been ordered, please let us know its date.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Yours faithfully,", EN_SIGNATURE,
    ),
    "public-reminder-2": _en(
        "Second reminder (public buyers)",
        "Second reminder: {{ total_claimed }} due – {{ company.name }}",
        "Despite our previous reminder, the invoices below remain unpaid; the oldest is {{ days_late }} days "
            "past its due date.",
        "{{ invoice_table }}",
        "Late-payment interest at the European Central Bank rate plus eight points (article R2192-31 of the "
            "French Public Procurement Code) and the fixed indemnity of €40 per invoice are due automatically. "
            "To date, they amount to {{ total_interest }} and {{ total_indemnity }}.",
        "Please pay the total sum of {{ total_claimed }} within fifteen days. Otherwise, we will send you a "
            "formal notice.",
        EN_PAY, EN_CONTACT, EN_PORTAL, "Yours faithfully,", EN_SIGNATURE,
    ),
    "public-formal-notice": _en(
        "Formal notice (public buyers)",
        "Formal notice to pay – {{ company.name }}",
        "Despite our reminders, the invoices below remain unpaid beyond the payment period.",
        "{{ invoice_table }}",
        "By this letter, pursuant to article 1344 of the French Civil Code, we give you formal notice to pay, "
            "within fifteen days of receiving this letter, the sum of {{ total_claimed }}, made up of:\n"
            "– principal outstanding: {{ total }};\n"
            "– late-payment interest at the European Central Bank rate plus eight points (articles L2192-13 and "
            "R2192-31 of the French Public Procurement Code): {{ total_interest }};\n"
            "– fixed indemnities for recovery costs, €40 per invoice: {{ total_indemnity }}.",
        "Late-payment interest continues to run until payment.",
        "Failing payment within this period, we will apply to the competent court to recover these sums.",
        EN_PAY, EN_CONTACT, "Yours faithfully,", EN_SIGNATURE,
    ),
}

DEFAULT_TEXTS: dict[tuple[str, str], DefaultText] = {
    **{(code, "fr"): text for code, text in FRENCH.items()},
    **{(code, "en"): text for code, text in ENGLISH.items()},
}


def ensure_default_templates(company: Company) -> int:
    """Create the default templates ``company`` lacks (by code and language); returns how many were created.

    One query finds the existing ones; a template an administrator edited is never touched. Two requests
    racing both insert, the unique constraint keeps one of each."""
    existing = set(MessageTemplate.objects.filter(company=company).values_list("code", "language"))
    missing = [
        MessageTemplate(company=company, code=code, language=language, name=text.name, subject=text.subject,
                        body=text.body)
        for (code, language), text in DEFAULT_TEXTS.items() if (code, language) not in existing
    ]
    if missing:
        with transaction.atomic():
            MessageTemplate.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
