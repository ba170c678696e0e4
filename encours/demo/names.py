"""Hand-written French name parts for the demo portfolio: made-up people, companies and public bodies.

Every combination is fictitious; cities and postcodes are real so that addresses read naturally.
"""
from __future__ import annotations

from enum import StrEnum


class Segment(StrEnum):
    RETAIL = "retail"
    INDUSTRY = "industry"
    CONSTRUCTION = "construction"
    SERVICES = "services"
    PUBLIC = "public"
    PRIVATE_INDIVIDUALS = "private individuals"


FIRST_NAMES = (
    "Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sylvie", "Philippe", "Catherine", "Alain",
    "Sophie", "Nicolas", "Christine", "Julien", "Céline", "Thomas", "Camille", "Antoine", "Léa", "Hugo",
    "Chloé", "Lucas", "Manon", "Louis", "Emma", "Gabriel", "Inès", "Arthur", "Jade", "Raphaël",
    "Aurélie", "Sébastien", "Émilie", "Frédéric", "Sandrine", "Olivier", "Valérie", "Laurent", "Hélène",
    "Yannick",
)

SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Le Gall", "Riviere", "Barbier", "Arnaud", "Brun", "Caron", "Giraud", "Marchand", "Picard", "Renaud",
)

# Trades by segment, as they open a French company name ("Boulangerie Martin SARL").
TRADES = {
    Segment.RETAIL: (
        "Boulangerie", "Pharmacie", "Librairie", "Fleurs", "Quincaillerie", "Épicerie", "Optique",
        "Boucherie", "Cave", "Jardinerie", "Bijouterie", "Primeurs", "Chaussures", "Mercerie",
    ),
    Segment.INDUSTRY: (
        "Métallerie", "Plasturgie", "Fonderie", "Mécanique", "Imprimerie", "Textiles", "Laboratoires",
        "Usinage", "Emballages", "Chaudronnerie", "Scierie", "Conserverie",
    ),
    Segment.CONSTRUCTION: (
        "Maçonnerie", "Plomberie", "Électricité", "Menuiserie", "Charpente", "Couverture", "Peinture",
        "Terrassement", "Carrelage", "Chauffage", "Isolation", "Travaux publics",
    ),
    Segment.SERVICES: (
        "Transports", "Conseil", "Nettoyage", "Informatique", "Cabinet", "Agence", "Sécurité", "Garage",
        "Formation", "Traiteur", "Location", "Déménagements",
    ),
}

# Made-up second halves for names that do not carry a family name ("Transports de l'Ouest SAS").
PLACE_WORDS = (
    "de l'Ouest", "du Centre", "des Alpes", "du Rhône", "de Provence", "Atlantique", "du Nord",
    "Méditerranée", "du Val de Loire", "des Vosges", "du Littoral", "de la Vallée",
)

# Legal forms with a rough weight: SAS and SARL dominate new registrations.
LEGAL_FORMS = (("SAS", 40), ("SARL", 35), ("SASU", 10), ("EURL", 8), ("SA", 5), ("SNC", 2))

STREETS = (
    "rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur", "place de la Mairie",
    "rue du Général de Gaulle", "chemin des Vignes", "zone artisanale des Granges", "rue de la Gare",
    "impasse des Lilas", "allée des Tilleuls", "rue Nationale", "avenue de la Libération", "rue des Écoles",
    "quai du Port", "rue du Moulin", "route de Paris", "rue Voltaire", "parc d'activités du Bois", "rue des Forges",
)

# (city, postcode, telephone zone): zone 1 Île-de-France, 2 north-west, 3 north-east, 4 south-east,
# 5 south-west, as in the French numbering plan.
CITIES = (
    ("Paris", "75011", 1), ("Paris", "75015", 1), ("Montreuil", "93100", 1), ("Argenteuil", "95100", 1),
    ("Versailles", "78000", 1), ("Créteil", "94000", 1),
    ("Nantes", "44000", 2), ("Rennes", "35000", 2), ("Brest", "29200", 2), ("Angers", "49000", 2),
    ("Le Mans", "72000", 2), ("Tours", "37000", 2), ("Orléans", "45000", 2), ("Caen", "14000", 2),
    ("Rouen", "76000", 2), ("Le Havre", "76600", 2), ("Vannes", "56000", 2), ("Quimper", "29000", 2),
    ("Bourges", "18000", 2),
    ("Lille", "59000", 3), ("Roubaix", "59100", 3), ("Amiens", "80000", 3), ("Reims", "51100", 3),
    ("Strasbourg", "67000", 3), ("Metz", "57000", 3), ("Nancy", "54000", 3), ("Mulhouse", "68100", 3),
    ("Colmar", "68000", 3), ("Dijon", "21000", 3), ("Besançon", "25000", 3), ("Troyes", "10000", 3),
    ("Auxerre", "89000", 3),
    ("Lyon", "69003", 4), ("Villeurbanne", "69100", 4), ("Marseille", "13008", 4), ("Nice", "06000", 4),
    ("Toulon", "83000", 4), ("Grenoble", "38000", 4), ("Saint-Étienne", "42000", 4), ("Montpellier", "34000", 4),
    ("Nîmes", "30000", 4), ("Avignon", "84000", 4), ("Aix-en-Provence", "13100", 4), ("Annecy", "74000", 4),
    ("Chambéry", "73000", 4), ("Valence", "26000", 4), ("Clermont-Ferrand", "63000", 4),
    ("Perpignan", "66000", 4),
    ("Bordeaux", "33000", 5), ("Toulouse", "31000", 5), ("Pau", "64000", 5), ("Bayonne", "64100", 5),
    ("Limoges", "87000", 5), ("Poitiers", "86000", 5), ("La Rochelle", "17000", 5), ("Angoulême", "16000", 5),
    ("Niort", "79000", 5), ("Albi", "81000", 5), ("Tarbes", "65000", 5), ("Agen", "47000", 5),
)

# Telephone numbers the regulator (ARCEP) keeps for fiction, by zone; 6 is mobile.
FICTION_PHONE_PREFIXES = {1: "01 99 00", 2: "02 61 91", 3: "03 53 01", 4: "04 65 71", 5: "05 36 49", 6: "06 39 98"}

# Public buyers: a name pattern on the city, the first digits of their SIREN, and a weight.
# SIRENs of the State's local authorities and public bodies start with 2 (communes 21, public
# establishments such as hospitals and CCAS 26, groupings of communes 200); schools (EPLE) start with 19.
PUBLIC_BODIES = (
    ("Commune de {city}", "21", 45),
    ("Centre hospitalier de {city}", "26", 15),
    ("Centre communal d'action sociale de {city}", "26", 10),
    ("Communauté d'agglomération de {city}", "200", 8),
    ("Collège {person}, {city}", "19", 12),
    ("Lycée {person}, {city}", "19", 10),
)

# Whom French schools are named after.
SCHOOL_PATRONS = (
    "Jean Moulin", "Jules Ferry", "Victor Hugo", "Marie Curie", "Louis Pasteur", "Jean Jaurès", "Simone Veil",
    "Albert Camus", "Jacques Prévert", "Paul Éluard", "Condorcet", "Descartes", "Voltaire", "George Sand",
)
