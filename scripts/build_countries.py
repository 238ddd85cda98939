"""Rebuild src/detente/data/countries.csv from the shared reference tables.

    python scripts/build_countries.py [SHARED_DATA_DIR]

Joins GDELT's country table (ISO 3166: name, ISO2, ISO3; 249 rows), the COW and Gleditsch-Ward state
lists (peacesciencer), the CAMEO country codes and name variants of the Phoenix country dictionary
(petrarch2, MIT), and the demonyms and capitals written out below.  Provenance: docs/actors.md.
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


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


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
                    continue  # states that no longer exist keep no ISO row (see HISTORIC in actors.py)
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
    # Phoenix variants: keep spellings of the name or demonym (same first 3 letters), not its city lists
    for r in rows.values():
        stems = {fold(x)[:3] for x in [r["name"], *r.get("demonyms", [])]}
        r["aliases"] += [a for a in r.get("phoenix", []) if fold(a)[:3] in stems and "(" not in a]
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
