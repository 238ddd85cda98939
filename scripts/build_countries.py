"""Rebuild src/detente/data/countries.csv from the shared reference tables.

    python scripts/build_countries.py [SHARED_DATA_DIR]

Joins GDELT's country table (ISO 3166: name, ISO2, ISO3; 249 rows), the COW and Gleditsch-Ward state
lists (peacesciencer), the CAMEO country codes and name variants of the Phoenix country dictionary
(petrarch2, MIT), and the demonyms and capitals written out below.  Then three blocks of our own:
``CONVERTER_NAMES`` (name forms of the World Bank API, UN M49 / UNTERM, IMF WEO/IFS and ISO 3166 lists that
the generic rules in ``actors.py`` cannot derive), ``ENDONYMS`` (common names in the countries' own and other
major languages) and ``HISTORIC`` (states of the COW / Gleditsch-Ward lists that have no successor code, with
ISO 3166-3 codes where one exists, else the COW abbreviation).  Provenance: docs/actors.md.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "detente" / "data" / "countries.csv"

# Display names where GDELT's Country_name column is not "X X" (common name then ISO name).
NAMES = {
    "AFG": "Afghanistan", "ALA": "Åland Islands", "ATA": "Antarctica", "AUS": "Australia", "BHS": "Bahamas",
    "BOL": "Bolivia", "BES": "Bonaire, Sint Eustatius and Saba", "IOT": "British Indian Ocean Territory",
    "BRN": "Brunei", "CPV": "Cape Verde", "CYM": "Cayman Islands", "CAF": "Central African Republic",
    "CCK": "Cocos (Keeling) Islands", "COM": "Comoros", "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo", "COK": "Cook Islands", "CIV": "Côte d'Ivoire", "CZE": "Czech Republic",
    "DOM": "Dominican Republic", "SWZ": "Eswatini", "FLK": "Falkland Islands", "FRO": "Faroe Islands",
    "FRA": "France", "ATF": "French Southern and Antarctic Lands", "GMB": "Gambia", "GEO": "Georgia",
    "GGY": "Guernsey", "VAT": "Holy See", "IRN": "Iran", "IRL": "Ireland", "PRK": "North Korea",
    "KOR": "South Korea", "LAO": "Laos", "MAC": "Macao", "MKD": "North Macedonia", "MHL": "Marshall Islands",
    "FSM": "Micronesia", "MDA": "Moldova", "MMR": "Myanmar", "NLD": "Netherlands", "NER": "Niger",
    "MNP": "Northern Mariana Islands", "PSE": "Palestine", "PHL": "Philippines", "PCN": "Pitcairn Islands",
    "RUS": "Russia", "SHN": "Saint Helena, Ascension and Tristan da Cunha", "MAF": "Saint Martin",
    "STP": "Sao Tome and Principe", "SXM": "Sint Maarten", "SDN": "Sudan", "SJM": "Svalbard and Jan Mayen",
    "SYR": "Syria", "TWN": "Taiwan", "TZA": "Tanzania", "TLS": "Timor-Leste", "TUR": "Turkey",
    "TCA": "Turks and Caicos Islands", "ARE": "United Arab Emirates", "GBR": "United Kingdom",
    "UMI": "United States Minor Outlying Islands", "USA": "United States", "VEN": "Venezuela",
    "VNM": "Vietnam", "VGB": "British Virgin Islands", "VIR": "United States Virgin Islands",
    "ESH": "Western Sahara", "REU": "Réunion", "CUW": "Curaçao", "BLM": "Saint Barthélemy",
}

# Demonyms/adjectives and capitals of sovereign states (and Taiwan, Kosovo, Palestine, Holy See), our own list.
# "ISO3 demonym[/variant...] ; capital[/variant...]"
DEMONYMS_CAPITALS = """
AFG Afghan;Kabul|ALB Albanian;Tirana|DZA Algerian;Algiers|AND Andorran;Andorra la Vella|AGO Angolan;Luanda
ATG Antiguan;Saint John's|ARG Argentine/Argentinian;Buenos Aires|ARM Armenian;Yerevan/Erevan
AUS Australian;Canberra|AUT Austrian;Vienna|AZE Azerbaijani/Azeri/Azerbaijan's;Baku|BHS Bahamian;Nassau
BHR Bahraini;Manama|BGD Bangladeshi;Dhaka|BRB Barbadian;Bridgetown|BLR Belarusian/Belarussian;Minsk
BEL Belgian;Brussels|BLZ Belizean;Belmopan|BEN Beninese;Porto-Novo|BTN Bhutanese;Thimphu
BOL Bolivian;Sucre/La Paz|BIH Bosnian;Sarajevo|BWA Botswanan/Motswana;Gaborone|BRA Brazilian;Brasilia/Brasília
BRN Bruneian;Bandar Seri Begawan|BGR Bulgarian;Sofia|BFA Burkinabe;Ouagadougou|BDI Burundian;Gitega
CPV Cape Verdean;Praia|KHM Cambodian;Phnom Penh|CMR Cameroonian;Yaounde/Yaoundé|CAN Canadian;Ottawa
CAF Central African;Bangui|TCD Chadian;N'Djamena|CHL Chilean;Santiago de Chile|CHN Chinese;Beijing/Peking
COL Colombian;Bogota/Bogotá|COM Comorian;Moroni|COD Congolese;Kinshasa|COG Congolese;Brazzaville
CRI Costa Rican;San Jose|CIV Ivorian;Yamoussoukro|HRV Croatian;Zagreb|CUB Cuban;Havana
CYP Cypriot;Nicosia|CZE Czech;Prague|DNK Danish;Copenhagen|DJI Djiboutian;Djibouti City
DMA Dominican;Roseau|DOM Dominican;Santo Domingo|ECU Ecuadorian;Quito|EGY Egyptian;Cairo
SLV Salvadoran;San Salvador|GNQ Equatorial Guinean;Malabo|ERI Eritrean;Asmara|EST Estonian;Tallinn
SWZ Swazi/Eswatini;Mbabane|ETH Ethiopian;Addis Ababa|FJI Fijian;Suva|FIN Finnish;Helsinki|FRA French;Paris
GAB Gabonese;Libreville|GMB Gambian;Banjul|GEO Georgian;Tbilisi|DEU German;Berlin|GHA Ghanaian;Accra
GRC Greek;Athens|GRD Grenadian;St. George's|GTM Guatemalan;Guatemala City|GIN Guinean;Conakry
GNB Bissau-Guinean;Bissau|GUY Guyanese;Georgetown|HTI Haitian;Port-au-Prince|VAT Vatican;Vatican City
HND Honduran;Tegucigalpa|HUN Hungarian;Budapest|ISL Icelandic;Reykjavik|IND Indian;New Delhi
IDN Indonesian;Jakarta|IRN Iranian/Persian;Tehran/Teheran|IRQ Iraqi;Baghdad|IRL Irish;Dublin
ISR Israeli;Jerusalem/Tel Aviv|ITA Italian;Rome|JAM Jamaican;Kingston|JPN Japanese;Tokyo|JOR Jordanian;Amman
KAZ Kazakh/Kazakhstani;Astana/Nur-Sultan|KEN Kenyan;Nairobi|KIR I-Kiribati;Tarawa|PRK North Korean;Pyongyang
KOR South Korean;Seoul|XKX Kosovar/Kosovan;Pristina|KWT Kuwaiti;Kuwait City|KGZ Kyrgyz/Kyrgyzstani;Bishkek
LAO Lao/Laotian;Vientiane|LVA Latvian;Riga|LBN Lebanese;Beirut|LSO Basotho/Mosotho;Maseru
LBR Liberian;Monrovia|LBY Libyan;Tripoli|LIE Liechtensteiner;Vaduz|LTU Lithuanian;Vilnius
LUX Luxembourgish;Luxembourg City|MDG Malagasy;Antananarivo|MWI Malawian;Lilongwe|MYS Malaysian;Kuala Lumpur
MDV Maldivian;Male/Malé|MLI Malian;Bamako|MLT Maltese;Valletta|MHL Marshallese;Majuro
MRT Mauritanian;Nouakchott|MUS Mauritian;Port Louis|MEX Mexican;Mexico City|FSM Micronesian;Palikir
MDA Moldovan;Chisinau/Chișinău|MCO Monegasque;Monaco-Ville|MNG Mongolian;Ulaanbaatar/Ulan Bator
MNE Montenegrin;Podgorica|MAR Moroccan;Rabat|MOZ Mozambican;Maputo|MMR Burmese/Myanmar's;Naypyidaw/Naypyitaw
NAM Namibian;Windhoek|NRU Nauruan;Yaren|NPL Nepali/Nepalese;Kathmandu|NLD Dutch;Amsterdam/The Hague
NZL New Zealand's/New Zealander;Wellington|NIC Nicaraguan;Managua|NER Nigerien;Niamey|NGA Nigerian;Abuja
MKD Macedonian;Skopje|NOR Norwegian;Oslo|OMN Omani;Muscat|PAK Pakistani;Islamabad|PLW Palauan;Ngerulmud
PSE Palestinian;Ramallah|PAN Panamanian;Panama City|PNG Papua New Guinean;Port Moresby|PRY Paraguayan;Asuncion
PER Peruvian;Lima|PHL Filipino/Philippine;Manila|POL Polish;Warsaw|PRT Portuguese;Lisbon|QAT Qatari;Doha
ROU Romanian;Bucharest|RUS Russian;Moscow|RWA Rwandan;Kigali|KNA Kittitian;Basseterre|LCA Saint Lucian;Castries
VCT Vincentian;Kingstown|WSM Samoan;Apia|SMR Sammarinese;City of San Marino|STP Santomean;Sao Tome
SAU Saudi/Saudi Arabian;Riyadh|SEN Senegalese;Dakar|SRB Serbian;Belgrade|SYC Seychellois;Victoria
SLE Sierra Leonean;Freetown|SGP Singaporean;Singapore City|SVK Slovak;Bratislava|SVN Slovenian/Slovene;Ljubljana
SLB Solomon Islander;Honiara|SOM Somali;Mogadishu|ZAF South African;Pretoria/Cape Town|SSD South Sudanese;Juba
ESP Spanish;Madrid|LKA Sri Lankan;Colombo/Sri Jayawardenepura Kotte|SDN Sudanese;Khartoum
SUR Surinamese;Paramaribo|SWE Swedish;Stockholm|CHE Swiss;Bern/Berne|SYR Syrian;Damascus|TWN Taiwanese;Taipei
TJK Tajik/Tajikistani;Dushanbe|TZA Tanzanian;Dodoma|THA Thai;Bangkok|TLS Timorese;Dili|TGO Togolese;Lome/Lomé
TON Tongan;Nuku'alofa|TTO Trinidadian;Port of Spain|TUN Tunisian;Tunis|TUR Turkish;Ankara
TKM Turkmen;Ashgabat|TUV Tuvaluan;Funafuti|UGA Ugandan;Kampala|UKR Ukrainian;Kyiv/Kiev
ARE Emirati;Abu Dhabi|GBR British;London|USA American/U.S.;Washington D.C.|URY Uruguayan;Montevideo
UZB Uzbek/Uzbekistani;Tashkent|VUT Ni-Vanuatu;Port Vila|VEN Venezuelan;Caracas|VNM Vietnamese;Hanoi
YEM Yemeni;Sanaa/Sana'a|ZMB Zambian;Lusaka|ZWE Zimbabwean;Harare|HKG Hong Konger;|MAC Macanese;
ESH Sahrawi;|PRI Puerto Rican;San Juan|GRL Greenlandic;Nuuk
"""

# Extra common names (our list).
EXTRA_NAMES = {
    "USA": ["United States of America", "US", "U.S.", "USA", "America"], "GBR": ["Britain", "Great Britain", "UK", "U.K."],
    "RUS": ["Russian Federation"], "IRN": ["Islamic Republic of Iran", "Persia"], "TUR": ["Türkiye", "Turkiye"],
    "ARM": ["Republic of Armenia", "Hayastan"], "AZE": ["Republic of Azerbaijan", "Azerbaidjan"],
    "GEO": ["Republic of Georgia", "Sakartvelo"], "SYR": ["Syrian Arab Republic"], "KOR": ["Republic of Korea", "ROK"],
    "PRK": ["DPRK", "Democratic People's Republic of Korea"], "COD": ["DR Congo", "DRC", "Democratic Republic of Congo",
    "Congo-Kinshasa"], "COG": ["Congo", "Congo-Brazzaville"], "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "MKD": ["Macedonia", "FYROM"], "SWZ": ["Swaziland"], "CZE": ["Czechia"], "MMR": ["Burma"],
    "TLS": ["East Timor"], "CPV": ["Cabo Verde"], "VAT": ["Vatican", "Vatican City State", "Holy See"],
    "PSE": ["State of Palestine", "Palestinian Territory, Occupied", "Palestinian Territories", "Occupied Palestinian Territory"],
    "ARE": ["UAE", "U.A.E."], "LAO": ["Lao PDR"], "VNM": ["Viet Nam"], "BRN": ["Brunei Darussalam"],
    "MDA": ["Republic of Moldova"], "TZA": ["United Republic of Tanzania"], "BOL": ["Plurinational State of Bolivia"],
    "VEN": ["Bolivarian Republic of Venezuela"], "NLD": ["Holland", "The Netherlands"], "FLK": ["Malvinas"],
    "GMB": ["The Gambia"], "BHS": ["The Bahamas"], "ESH": ["Sahrawi Arab Democratic Republic"],
}

# COW / GW state names that do not match an ISO name; key = (system, code).
STATE_CODE_ISO = {
    ("cow", 58): "ATG", ("cow", 60): "KNA", ("cow", 56): "LCA", ("cow", 57): "VCT", ("cow", 344): "HRV",
    ("cow", 343): "MKD", ("cow", 346): "BIH", ("cow", 347): "XKX", ("cow", 437): "CIV", ("cow", 484): "COG",
    ("cow", 490): "COD", ("cow", 572): "SWZ", ("cow", 860): "TLS", ("cow", 987): "FSM", ("cow", 345): "SRB",
    ("cow", 255): "DEU", ("cow", 731): "PRK", ("cow", 732): "KOR", ("cow", 816): "VNM",
    ("gw", 343): "MKD", ("gw", 346): "BIH", ("gw", 347): "XKX", ("gw", 437): "CIV", ("gw", 484): "COG",
    ("gw", 490): "COD", ("gw", 572): "SWZ", ("gw", 860): "TLS", ("gw", 340): "SRB", ("gw", 260): "DEU",
    ("gw", 731): "PRK", ("gw", 732): "KOR", ("gw", 816): "VNM", ("gw", 678): "YEM", ("gw", 115): "SUR", ("gw", 360): "ROU", ("gw", 703): "KGZ",
    ("gw", 530): "ETH", ("gw", 713): "TWN", ("cow", 713): "TWN", ("gw", 552): "ZWE",
}


# Name forms of the converters' lists that the generic rules (inversion, abbreviations, parentheses, St/Saint,
# hyphens, accents; actors._bag_key) do not reach.  Sources: World Bank API country names, UN M49 (UNSD
# "Standard country or area codes for statistical use"), IMF WEO / IFS names, ISO 3166-1 short names.
CONVERTER_NAMES = {
    "VEN": ["Venezuela, RB", "Venezuela, Republica Bolivariana de"], "LAO": ["Lao P.D.R.", "Laos PDR"],
    "HKG": ["Hong Kong SAR, China", "China, Hong Kong Special Administrative Region", "China, P.R.: Hong Kong",
            "Hong Kong SAR", "Hong Kong, China", "Xianggang"],
    "MAC": ["Macau", "Macao SAR, China", "China, Macao Special Administrative Region", "China, P.R.: Macao",
            "Macao SAR", "Macau SAR", "Macao, China", "Aomen"],
    "CHN": ["China, P.R.: Mainland", "China, People's Republic of", "PRC", "P.R. China", "Mainland China"],
    "TWN": ["Taiwan Province of China", "Taiwan, China", "Chinese Taipei", "Republic of China", "ROC", "Taipei, China"],
    "VIR": ["Virgin Islands (U.S.)", "Virgin Islands, U.S.", "U.S. Virgin Islands", "US Virgin Islands",
            "United States Virgin Islands", "Virgin Islands of the United States"],
    "VGB": ["Virgin Islands (British)", "Virgin Islands, British", "British Virgin Islands", "BVI"],
    "MAF": ["St. Martin (French part)", "Saint Martin (French part)", "Saint-Martin"],
    "SXM": ["Sint Maarten (Dutch part)"], "PSE": ["West Bank and Gaza", "Palestine, State of", "Occupied Palestinian Territories"],
    "GBR": ["United Kingdom of Great Britain and Northern Ireland", "U.K. of Great Britain and Northern Ireland"],
    "NLD": ["Netherlands (Kingdom of the)", "Kingdom of the Netherlands", "Netherlands, The"],
    "KOR": ["Korea, South", "South Korea", "S. Korea", "Korea (South)", "Korea, Republic of", "Republic of Korea",
            "Korea Republic"],
    "PRK": ["Korea, People's Republic of", "Korea, North", "North Korea", "N. Korea", "Korea (North)", "Korea DPR", "DPR Korea", "D.P.R. Korea",
            "D.P.R.K.", "Korea, Dem. Rep."],
    "COD": ["Congo (Kinshasa)", "Congo, Dem. Rep.", "D.R. Congo", "DR Congo", "D.R.C.", "RDC", "Congo-Kinshasa",
            "Zaire"],
    "COG": ["Congo (Brazzaville)", "Congo, Rep.", "Republic of the Congo", "Congo Republic", "Congo-Brazzaville"],
    "CIV": ["Côte d'Ivoire", "Cote dIvoire", "Ivory Coast"], "SWZ": ["Swaziland", "Kingdom of Eswatini"],
    "MKD": ["Macedonia, FYR", "FYR Macedonia", "Former Yugoslav Republic of Macedonia", "Republic of North Macedonia"],
    "FSM": ["Micronesia, Fed. Sts.", "Federated States of Micronesia"], "BLR": ["Byelorussia", "Byelorussian SSR"],
    "USA": ["U.S.A.", "United States of America", "US of A"], "ARE": ["Emirates"],
    "CZE": ["Czechia", "Czech Rep."], "SVK": ["Slovak Republic"], "KGZ": ["Kyrgyz Republic", "Kirghizia"],
    "TLS": ["Timor Leste", "East Timor"], "CPV": ["Cabo Verde", "Republic of Cabo Verde"],
    "VAT": ["Holy See (Vatican City State)", "Vatican City"],
    "FLK": ["Falkland Islands (Malvinas)", "Malvinas"], "SHN": ["Saint Helena"], "WLF": ["Wallis and Futuna Islands"],
    "SPM": ["St. Pierre and Miquelon"], "FRO": ["Faeroe Islands", "Faroes"], "GNB": ["Guinea Bissau"],
    "BIH": ["Bosnia-Herzegovina"], "MMR": ["Burma", "Myanmar (Burma)"], "LKA": ["Ceylon"], "THA": ["Siam"],
    "KHM": ["Kampuchea"], "BEN": ["Dahomey"], "BFA": ["Upper Volta"], "ZWE": ["Rhodesia", "Southern Rhodesia"],
    "VNM": ["Viet-Nam", "North Vietnam", "Democratic Republic of Vietnam", "Vietnam, Democratic Republic of"],
    "YEM": ["Yemen, Rep.", "North Yemen", "Yemen Arab Republic"],
    "DEU": ["West Germany", "Federal Republic of Germany", "German Federal Republic", "FRG", "BRD"],
    "SRB": ["Serbia and Montenegro", "Serbia & Montenegro", "Federal Republic of Yugoslavia", "Yugoslavia",
            "Socialist Federal Republic of Yugoslavia", "SFR Yugoslavia"],
    "RUS": ["Russian Federation", "Russia, Russian Federation"], "EGY": ["Egypt, Arab Rep."],
    "ATF": ["French Southern Territories"], "PCN": ["Pitcairn"], "RWA": ["Rwandese Republic"],
    "URY": ["Eastern Republic of Uruguay", "Oriental Republic of Uruguay"], "BRN": ["Brunei Darussalam", "Nation of Brunei, Abode of Peace"],
    "BLM": ["St. Barths", "Saint Barths", "St Barts", "St. Barthélemy"], "SJM": ["Svalbard and Jan Mayen Islands"],
    "BES": ["Caribbean Netherlands", "Bonaire", "BES islands"],
    "IRN": ["Iran, Islamic Rep."], "BHS": ["Bahamas, The"], "GMB": ["Gambia, The"], "SYR": ["Syria, Syrian Arab Republic"],
}

# Common names in the countries' own languages and in French, German, Spanish and Russian (our list).
ENDONYMS = """
DEU Deutschland/Allemagne/Alemania/Германия/Bundesrepublik Deutschland|ESP España/Espagne/Spanien/Испания
RUS Россия/Rossiya/Russie/Russland/Rusia/Российская Федерация/Rossiyskaya Federatsiya
TUR Türkiye/Turquie/Türkei/Turquía/Турция/Türkiye Cumhuriyeti|CIV Côte d’Ivoire/Elfenbeinküste/Costa de Marfil
AUT Österreich/Autriche|CHE Schweiz/Suisse/Svizzera/Suiza/Confoederatio Helvetica|SWE Sverige/Suède/Schweden/Suecia
NOR Norge/Noreg/Norvège/Norwegen|DNK Danmark/Danemark/Dänemark|FIN Suomi/Finlande/Finnland|POL Polska/Pologne/Polen/Polonia
CZE Česko/Česká republika/Tchéquie/Tschechien|HUN Magyarország/Hongrie/Ungarn/Hungría|GRC Ελλάδα/Ellada/Hellas/Grèce/Griechenland/Grecia
ITA Italia/Italie/Italien|NLD Nederland/Pays-Bas/Niederlande/Países Bajos|BEL België/Belgique/Belgien/Bélgica
BRA Brasil/Brésil/Brasilien|MEX México/Mexique/Mexiko|PER Perú/Pérou|CHN 中国/中华人民共和国/Zhongguo/Chine
JPN 日本/Nippon/Nihon/Japon|KOR 대한민국/한국/Hanguk/Corée du Sud/Südkorea/Corea del Sur|PRK 조선/Corée du Nord/Nordkorea/Corea del Norte
UKR Україна/Ukraina/Украина|BLR Беларусь/Biélorussie/Weißrussland/Bielorrusia|KAZ Қазақстан/Казахстан/Qazaqstan
ISL Ísland/Islande|IRL Éire/Irlande/Irland/Irlanda|HRV Hrvatska/Croatie/Kroatien|SRB Srbija/Србија/Serbie/Serbien
ALB Shqipëria/Shqipëri|ROU România/Roumanie/Rumänien/Rumania|BGR България/Bulgarie/Bulgarien
EGY مصر/Misr/Égypte/Ägypten/Egipto|MAR المغرب/Al-Maghrib/Maroc/Marokko/Marruecos|GEO საქართველო/Sakartvelo/Géorgie/Грузия
ARM Հայաստան/Hayastan/Arménie/Armenien/Армения|AZE Azərbaycan/Azerbaïdjan/Aserbaidschan/Azerbaiyán/Азербайджан
IRN ایران/Īrān/Irán|IND भारत/Bharat/Inde/Indien|LTU Lietuva/Lituanie/Litauen|LVA Latvija/Lettonie/Lettland
EST Eesti/Estonie/Estland|SVK Slovensko/Slovaquie/Slowakei|SVN Slovenija/Slovénie/Slowenien|MNE Crna Gora/Црна Гора
BIH Bosna i Hercegovina|MKD Severna Makedonija/Северна Македонија|CYP Κύπρος/Kıbrıs/Chypre/Zypern
LUX Lëtzebuerg/Luxemburg|SEN Sénégal|CMR Cameroun/Kamerun|TCD Tchad/Tschad|DZA Algérie/Algerien/Argelia/الجزائر
TUN Tunisie/Tunesien/Túnez|LBN Liban/Libanon/Líbano/لبنان/Lubnan|SYR Syrie/Syrien/Siria/سوريا/Suriyah
JOR Jordanie/Jordanien/Al-Urdun|SAU Arabie saoudite/Saudi-Arabien/Arabia Saudita|ARE Émirats arabes unis/Vereinigte Arabische Emirate
GBR Royaume-Uni/Vereinigtes Königreich/Reino Unido/Великобритания|USA États-Unis/Vereinigte Staaten/Estados Unidos/США/Соединённые Штаты
IND Indien/India|GRL Kalaallit Nunaat/Grønland/Groenland|FRA Frankreich/Francia/Франция|ISR ישראל/Yisrael/Israël
PSE فلسطين/Filastin|VNM Việt Nam|THA ประเทศไทย/Prathet Thai|PHL Pilipinas/Philippines|KHM Kampuchea
MDA Moldavie/Moldawien|KGZ Кыргызстан/Kyrgyzstan|UZB Oʻzbekiston/Ouzbékistan|TKM Türkmenistan|TJK Тоҷикистон/Tojikiston
"""

# States of the COW / GW lists that have no successor code here (COW's 255/260 -> DEU, 345 -> SRB, 365 -> RUS,
# 678 -> YEM and 816 -> VNM continue in a modern row).  Code: ISO 3166-3 where it has one, else the COW
# abbreviation (Korea 730's abbreviation KOR is taken, so JOS, for Joseon).  Source: COW State System Membership
# v2016 and Gleditsch & Ward (1999), "A revised list of independent states since the Congress of Vienna".
# iso3, cow, cow_abb, gw, gw_abb, name, years, aliases
HISTORIC = [
    ("DDR", 265, "GDR", 265, "GDR", "German Democratic Republic", "1949-1990",
     ["East Germany", "GDR", "Deutsche Demokratische Republik", "DDR (East Germany)"]),
    ("CSK", 315, "CZE", 315, "CZE", "Czechoslovakia", "1918-1992",
     ["Czecho-Slovakia", "Czechoslovak Socialist Republic", "Czech and Slovak Federative Republic",
      "Czech and Slovak Federal Republic", "Československo", "CSSR", "ČSSR"]),
    ("YMD", 680, "YPR", 680, "YPR", "South Yemen", "1967-1990",
     ["People's Democratic Republic of Yemen", "Yemen People's Republic", "Yemen, People's Republic of",
      "Democratic Yemen", "PDRY", "PDR Yemen"]),
    ("RVN", 817, "RVN", 817, "RVN", "South Vietnam", "1954-1975",
     ["Republic of Vietnam", "Vietnam, Republic of", "State of Vietnam"]),
    ("ZAN", 511, "ZAN", 511, "ZAN", "Zanzibar", "1963-1964", ["People's Republic of Zanzibar", "Sultanate of Zanzibar"]),
    ("AUH", 300, "AUH", 300, "AUH", "Austria-Hungary", "1816-1918", ["Austro-Hungarian Empire", "Austria Hungary"]),
    ("HAN", 240, "HAN", 240, "HAN", "Hanover", "1837-1866", ["Kingdom of Hanover"]),
    ("BAV", 245, "BAV", 245, "BAV", "Bavaria", "1816-1871", ["Kingdom of Bavaria"]),
    ("BAD", 267, "BAD", 267, "BAD", "Baden", "1816-1871", ["Grand Duchy of Baden"]),
    ("SAX", 269, "SAX", 269, "SAX", "Saxony", "1816-1867", ["Kingdom of Saxony"]),
    ("WRT", 271, "WRT", 271, "WRT", "Wuerttemberg", "1816-1871", ["Württemberg", "Wuerttemburg", "Kingdom of Württemberg"]),
    ("HSE", 273, "HSE", 273, "HSE", "Hesse Electoral", "1816-1866", ["Hesse-Kassel", "Electorate of Hesse"]),
    ("HSG", 275, "HSG", 275, "HSD", "Hesse Grand Ducal", "1816-1867", ["Hesse-Darmstadt", "Grand Duchy of Hesse"]),
    ("MEC", 280, "MEC", 280, "MEC", "Mecklenburg Schwerin", "1843-1867", ["Mecklenburg-Schwerin"]),
    ("PAP", 327, "PAP", 327, "PAP", "Papal States", "1816-1870", ["States of the Church"]),
    ("SIC", 329, "SIC", 329, "SIC", "Two Sicilies", "1816-1861", ["Kingdom of the Two Sicilies"]),
    ("MOD", 332, "MOD", 332, "MOD", "Modena", "1842-1860", ["Duchy of Modena"]),
    ("PMA", 335, "PMA", 335, "PMA", "Parma", "1851-1860", ["Duchy of Parma"]),
    ("TUS", 337, "TUS", 337, "TUS", "Tuscany", "1816-1860", ["Grand Duchy of Tuscany"]),
    ("JOS", 730, "KOR", 730, "KOR", "Korea (1887-1905)", "1887-1905", ["Joseon", "Korean Empire", "Kingdom of Joseon"]),
    ("HYD", None, "", 751, "HYD", "Hyderabad", "1947-1948", ["Hyderabad State"]),
    ("TBT", None, "", 711, "TBT", "Tibet (1913-1950)", "1913-1950", []),
    ("UPC", None, "", 89, "UPC", "United Provinces of Central America", "1823-1839", ["Federal Republic of Central America"]),
    ("GCL", None, "", 99, "GCL", "Great Colombia", "1821-1830", ["Gran Colombia"]),
    ("TRA", None, "", 563, "TRA", "Transvaal", "1852-1910", ["South African Republic (Transvaal)"]),
    ("OFS", None, "", 564, "OFS", "Orange Free State", "1854-1910", []),
]

AMBIGUOUS = {"virgin islands", "korea", "guinea republic"}

# Gleditsch-Ward codes of microstates (GW 1999, table of microstates), which peacesciencer's gw_states omits.
GW_MICROSTATES = {"GRD": 55, "DMA": 54, "LCA": 56, "VCT": 57, "ATG": 58, "KNA": 60, "LIE": 223, "MCO": 221,
                  "AND": 232, "SMR": 331, "STP": 403, "SYC": 591, "MDV": 781, "VUT": 935, "KIR": 970, "NRU": 971,
                  "TON": 972, "TUV": 973, "MHL": 983, "PLW": 986, "FSM": 987, "WSM": 990}


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", s.lower()).strip()  # letters of any script ("Россия", "中国")


def main(shared: Path) -> None:
    rows: dict[str, dict] = {}
    with (shared / "gdelt-daily-network" / "country_codes_clean.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            iso3 = r["Alpha3_code"].strip()
            raw = re.sub(r"[\u200a ]*\[[a-z]+\]", "", r["Country_name"]).strip()
            words = raw.split()
            half = len(words) // 2
            name = " ".join(words[:half]) if len(words) % 2 == 0 and words[:half] == words[half:] else NAMES.get(iso3)
            if not name:
                raise SystemExit(f"no display name for {iso3} ({raw!r}); add it to NAMES")
            official = re.sub(r"\[\d+\]", "", r["Official_state_name"]).strip()
            official = re.sub(r"^The ", "", official)
            rows[iso3] = {"iso3": iso3, "iso2": r["Alpha2_code"].strip(), "cameo": iso3, "cow": "", "cow_abb": "",
                          "gw": "", "gw_abb": "", "name": name, "sovereignty": r["Sovereignty"].strip(),
                          "aliases": [official] if official.count(",") == 0 and len(official) < 60 else []}
    # GDELT's row for SHN names only Tristan da Cunha; the ISO short name covers all three islands
    rows["SHN"]["aliases"] = [rows["SHN"]["name"], *rows["SHN"]["aliases"]]
    rows["SHN"]["name"] = NAMES["SHN"]
    # Kosovo is missing from GDELT's ISO table; XK/XKX are the codes the EU and World Bank use.
    rows["XKX"] = {"iso3": "XKX", "iso2": "XK", "cameo": "KSV", "cow": "", "cow_abb": "", "gw": "", "gw_abb": "",
                   "name": "Kosovo", "sovereignty": "Disputed", "aliases": ["Republic of Kosovo"]}
    by_name = {fold(r["name"]): k for k, r in rows.items()}
    for k, r in rows.items():
        for a in r["aliases"] + EXTRA_NAMES.get(k, []):
            by_name.setdefault(fold(a), k)
    for system, fname, code_col, abb_col, name_col, end_col in (
        ("cow", "cow_states.csv.gz", "ccode", "stateabb", "statenme", "endyear"),
        ("gw", "gw_states.csv.gz", "gwcode", "stateabb", "statename", "enddate"),
    ):
        with gzip.open(shared / "peacesciencer" / fname, "rt", encoding="utf-8") as fh:
            for s in csv.DictReader(fh):
                if not s[end_col].startswith(("2016", "2017")):
                    continue  # states that no longer exist keep no ISO row (see HISTORIC above)
                code = int(float(s[code_col]))
                nm = s[name_col]
                iso = (STATE_CODE_ISO.get((system, code)) or by_name.get(fold(re.sub(r"\s*\(.*\)", "", nm)))
                       or by_name.get(fold(re.split(r"[/(]", nm)[0])))
                if iso is None:
                    raise SystemExit(f"{system} state {code} {s[name_col]!r} has no ISO match; add to STATE_CODE_ISO")
                rows[iso][system], rows[iso][f"{system}_abb"] = str(code), s[abb_col]
    # CAMEO codes and name variants from the Phoenix country dictionary (country blocks only)
    phoenix = _phoenix(shared / "event-coding" / "Phoenix.Countries.actors.txt")
    cameo_to_iso = {"ROU": "ROU", "KSV": "XKX", "TMP": "TLS"}
    for head, code, syns in phoenix:
        iso = cameo_to_iso.get(code, code)
        if iso not in rows or (by_name.get(fold(head)) not in (None, iso)):
            continue
        if code != iso:
            rows[iso]["cameo"] = code
        rows[iso]["phoenix"] = [head] + syns
    for line in DEMONYMS_CAPITALS.replace("\n", "|").split("|"):
        if not line.strip():
            continue
        iso, rest = line.strip().split(" ", 1)
        dem, cap = rest.split(";")
        rows[iso]["demonyms"] = [x for x in dem.split("/") if x]
        rows[iso]["capitals"] = [x for x in cap.split("/") if x]
    for iso, names in EXTRA_NAMES.items():
        rows[iso]["aliases"] += names
    for iso, names in CONVERTER_NAMES.items():
        rows[iso]["aliases"] += names
    for line in ENDONYMS.replace("\n", "|").split("|"):
        if line.strip():
            iso, rest = line.strip().split(" ", 1)
            rows[iso]["aliases"] += [x for x in rest.split("/") if x]
    for iso, gw in GW_MICROSTATES.items():
        if not rows[iso]["gw"]:
            rows[iso]["gw"], rows[iso]["gw_abb"] = str(gw), rows[iso]["cow_abb"]
    for iso, cow, cow_abb, gw, gw_abb, name, years, aliases in HISTORIC:
        rows[iso] = {"iso3": iso, "iso2": "", "cameo": "", "cow": str(cow or ""), "cow_abb": cow_abb, "gw": str(gw),
                     "gw_abb": gw_abb, "name": name, "sovereignty": f"historic state {years}", "aliases": aliases}
    # Phoenix variants: keep spellings of the name or demonym (same first 3 letters), not its city lists
    for r in rows.values():
        stems = {fold(x)[:3] for x in [r["name"], *r.get("demonyms", [])]}
        r["aliases"] += [a for a in r.get("phoenix", []) if fold(a)[:3] in stems and "(" not in a]
    # names that stand for two territories are nobody's alias ("Virgin Islands": US or British)
    for r in rows.values():
        r["aliases"] = [a for a in r["aliases"] if fold(a) not in AMBIGUOUS]
    # an alias claimed by two countries is dropped from both (e.g. "Congolese", "Dominican")
    owners: dict[str, set[str]] = {}
    for k, r in rows.items():
        for a in [r["name"], *r["aliases"], *r.get("demonyms", []), *r.get("capitals", [])]:
            owners.setdefault(fold(a), set()).add(k)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["iso3", "iso2", "cameo", "cow", "cow_abb", "gw", "gw_abb", "name", "sovereignty", "aliases",
                    "demonyms", "capitals"])
        for k in sorted(rows):
            r = rows[k]
            seen = {fold(r["name"])}

            def unique(names: list[str], seen: set[str] = seen) -> str:
                keep = []
                for a in names:
                    f = fold(a)
                    if f and f not in seen and len(owners[f]) == 1 and len(f) > 1:
                        seen.add(f)
                        keep.append(a)
                return "|".join(keep)

            dem, cap = unique(r.get("demonyms", [])), unique(r.get("capitals", []))
            w.writerow([r["iso3"], r["iso2"], r["cameo"], r["cow"], r["cow_abb"], r["gw"], r["gw_abb"], r["name"],
                        r["sovereignty"], unique(r["aliases"]), dem, cap])
    print(f"wrote {len(rows)} countries to {OUT}")


def _phoenix(path: Path) -> list[tuple[str, str, list[str]]]:
    """(head name, current 3-letter code, synonyms) for each country-level block of a Phoenix .actors file."""
    blocks, cur = [], None
    for line in path.read_text("utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("+"):
            if cur:
                cur[2].extend(x for x in re.split(r"\s*\+", line[1:].split("#")[0]) if x.strip())
        elif line[0] in " \t":
            if cur:
                cur[1].append(line.strip())
        else:
            m = re.match(r"^(\S+)\s*(\[[^\]]*\])?", line)
            cur = (m.group(1), [m.group(2)] if m.group(2) else [], [])
            blocks.append(cur)
    out = []
    for head, codes, syns in blocks:
        current = [c for c in codes if re.fullmatch(r"\[[A-Z]{3}( >\d+)?\]", c)]
        if not current:
            continue
        code = current[-1][1:4]

        def tidy(x: str) -> str:
            return re.sub(r"\s+", " ", x.replace("_", " ")).strip().title()

        good = [tidy(s) for s in syns if "\ufffd" not in s and not re.search(r"[^\x00-\x7f]", s)]
        out.append((tidy(head), code, [g for g in good if g]))
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
