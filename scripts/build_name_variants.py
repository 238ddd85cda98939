"""Assemble tests/fixtures/name_variants.tsv: country-name forms from public name lists -> expected ISO3.

    python scripts/build_name_variants.py ISO_CODES_DIR COCO_TSV [SHARED_DATA_DIR]

Columns: ``name``, ``expected`` (ISO3, or our historic-state code), ``when`` (a date for names that changed
meaning, else empty), ``source``.  Sources (each row says which):

* ``iso3166-1`` / ``iso3166-3``: the Debian iso-codes ISO 3166 tables (as shipped in the pycountry wheel,
  ``pycountry/databases/iso3166-*.json``): short, official and common names, and withdrawn historic names;
* ``coco``: country_converter 1.3.2 ``country_data.tsv`` short and official names (the names coco prints);
* ``cow`` / ``gw``: state names of the COW State System Membership and Gleditsch-Ward lists (peacesciencer),
  expected = the code ``actors.from_cow`` / ``from_gw`` gives for the state's number, dated to the state's start;
* ``worldbank``, ``unm49``, ``imf``: name forms of the World Bank API, UN M49 (UNSD) and IMF WEO/IFS country
  lists, typed from those lists; ``variants``: abbreviation, inversion, St/Saint, hyphen, accent and ampersand
  variants of the kind countrycode's and country_converter's regular expressions accept; ``territory``: dependent
  territories that must not resolve to their sovereign; ``endonym``: common names in other languages; ``historic``:
  states that no longer exist.

The packages are used only for their name lists (data); the resolver under test is ``detente.actors``.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "name_variants.tsv"

# (source, ISO3, names...) typed from the public lists named in the module docstring.
HAND = """
worldbank|BHS|Bahamas, The
worldbank|GMB|Gambia, The
worldbank|EGY|Egypt, Arab Rep.
worldbank|IRN|Iran, Islamic Rep.
worldbank|KOR|Korea, Rep.
worldbank|PRK|Korea, Dem. People's Rep.|Korea, Dem. Rep.
worldbank|COD|Congo, Dem. Rep.
worldbank|COG|Congo, Rep.
worldbank|YEM|Yemen, Rep.
worldbank|VEN|Venezuela, RB
worldbank|FSM|Micronesia, Fed. Sts.
worldbank|LAO|Lao PDR
worldbank|KGZ|Kyrgyz Republic
worldbank|SVK|Slovak Republic
worldbank|RUS|Russian Federation
worldbank|SYR|Syrian Arab Republic
worldbank|VNM|Viet Nam
worldbank|CIV|Cote d'Ivoire
worldbank|HKG|Hong Kong SAR, China
worldbank|MAC|Macao SAR, China
worldbank|VIR|Virgin Islands (U.S.)
worldbank|VGB|British Virgin Islands
worldbank|LCA|St. Lucia
worldbank|KNA|St. Kitts and Nevis
worldbank|VCT|St. Vincent and the Grenadines
worldbank|MAF|St. Martin (French part)
worldbank|SXM|Sint Maarten (Dutch part)
worldbank|TUR|Turkiye
worldbank|PSE|West Bank and Gaza
worldbank|CUW|Curacao
worldbank|STP|Sao Tome and Principe
worldbank|CPV|Cabo Verde
worldbank|CZE|Czechia
worldbank|SWZ|Eswatini
worldbank|MKD|North Macedonia|Macedonia, FYR
worldbank|BRN|Brunei Darussalam
worldbank|TLS|Timor-Leste
worldbank|XKX|Kosovo
worldbank|FRO|Faroe Islands
worldbank|PRI|Puerto Rico
worldbank|GRL|Greenland
worldbank|GUM|Guam
worldbank|ASM|American Samoa
worldbank|MNP|Northern Mariana Islands
worldbank|NCL|New Caledonia
worldbank|PYF|French Polynesia
worldbank|IMN|Isle of Man
worldbank|GIB|Gibraltar
worldbank|BMU|Bermuda
worldbank|CYM|Cayman Islands
worldbank|TCA|Turks and Caicos Islands
worldbank|ABW|Aruba
unm49|BOL|Bolivia (Plurinational State of)
unm49|VEN|Venezuela (Bolivarian Republic of)
unm49|IRN|Iran (Islamic Republic of)
unm49|FSM|Micronesia (Federated States of)
unm49|KOR|Republic of Korea
unm49|PRK|Democratic People's Republic of Korea
unm49|MDA|Republic of Moldova
unm49|TZA|United Republic of Tanzania
unm49|PSE|State of Palestine
unm49|HKG|China, Hong Kong Special Administrative Region
unm49|MAC|China, Macao Special Administrative Region
unm49|VIR|United States Virgin Islands
unm49|TUR|Türkiye
unm49|NLD|Netherlands (Kingdom of the)
unm49|GBR|United Kingdom of Great Britain and Northern Ireland
unm49|LAO|Lao People's Democratic Republic
unm49|CIV|Côte d’Ivoire
unm49|COD|Democratic Republic of the Congo
unm49|COG|Congo
unm49|SHN|Saint Helena
unm49|MAF|Saint Martin (French Part)
unm49|FLK|Falkland Islands (Malvinas)
unm49|VAT|Holy See
unm49|BES|Bonaire, Sint Eustatius and Saba
unm49|REU|Réunion
unm49|CUW|Curaçao
unm49|BLM|Saint Barthélemy
unm49|WLF|Wallis and Futuna Islands
unm49|ALA|Åland Islands
unm49|USA|United States of America
unm49|SJM|Svalbard and Jan Mayen Islands
unm49|SYR|Syrian Arab Republic
unm49|RUS|Russian Federation
unm49|SWZ|Eswatini
unm49|MKD|North Macedonia
imf|CHN|China, People's Republic of|China, P.R.: Mainland
imf|HKG|Hong Kong SAR|China, P.R.: Hong Kong
imf|MAC|Macao SAR|China, P.R.: Macao
imf|COD|Congo, Democratic Republic of the|Congo, Dem. Rep. of the
imf|COG|Congo, Republic of
imf|IRN|Iran, Islamic Republic of|Iran, Islamic Rep. of
imf|KGZ|Kyrgyz Rep.
imf|LAO|Lao P.D.R.|Lao People's Dem. Rep.
imf|FSM|Micronesia, Fed. States of|Micronesia, Federated States of
imf|SVK|Slovak Rep.
imf|STP|São Tomé and Príncipe|Sao Tome and Principe, Dem. Rep. of
imf|TWN|Taiwan Province of China
imf|TUR|Türkiye, Republic of
imf|VEN|Venezuela, República Bolivariana de
imf|YEM|Yemen, Republic of
imf|EGY|Egypt, Arab Rep. of
imf|KOR|Korea, Republic of|Korea, Rep. of
imf|AFG|Afghanistan, Islamic Republic of
imf|BHR|Bahrain, Kingdom of
imf|ARM|Armenia, Republic of
imf|AZE|Azerbaijan, Republic of
imf|BLR|Belarus, Republic of
imf|HRV|Croatia, Republic of
imf|EST|Estonia, Republic of
imf|KAZ|Kazakhstan, Republic of
imf|XKX|Kosovo, Republic of
imf|MDG|Madagascar, Republic of
imf|MRT|Mauritania, Islamic Republic of
imf|MDA|Moldova, Republic of
imf|MOZ|Mozambique, Republic of
imf|NLD|Netherlands, The
imf|MKD|North Macedonia, Republic of
imf|POL|Poland, Republic of
imf|SRB|Serbia, Republic of
imf|SVN|Slovenia, Republic of
imf|TJK|Tajikistan, Republic of
imf|TZA|Tanzania, United Republic of
imf|TLS|Timor-Leste, Dem. Rep. of
imf|UZB|Uzbekistan, Republic of
imf|SWZ|Eswatini, Kingdom of
imf|ETH|Ethiopia, The Federal Democratic Republic of
imf|AND|Andorra, Principality of
imf|LSO|Lesotho, Kingdom of
imf|MHL|Marshall Islands, Republic of the
imf|NRU|Nauru, Republic of
imf|PLW|Palau, Republic of
imf|SMR|San Marino, Republic of
imf|SSD|South Sudan, Republic of
imf|ERI|Eritrea, The State of
imf|CAF|Central African Rep.
imf|DOM|Dominican Rep.
imf|CZE|Czech Rep.
imf|SYR|Syrian Arab Rep.
imf|CUW|Curaçao, Kingdom of the Netherlands
imf|SXM|Sint Maarten, Kingdom of the Netherlands
imf|ABW|Aruba, Kingdom of the Netherlands
variants|PRK|DPR Korea|D.P.R. Korea|DPRK|Korea, North|North Korea|N. Korea|korea, dem. people's rep.|Korea DPR|Dem. People's Rep. of Korea
variants|KOR|Korea, South|South Korea|S. Korea|ROK|Korea (South)|Rep. of Korea
variants|COD|D.R. Congo|DR Congo|DRC|congo, dem. rep.|Dem. Rep. Congo|Dem. Rep. of the Congo|Democratic Republic of Congo|Congo (Kinshasa)|Congo-Kinshasa|Congo, DR
variants|COG|Congo (Brazzaville)|Congo-Brazzaville|Rep. of the Congo|Republic of Congo
variants|LCA|St Lucia|St. Lucia|Saint Lucia|Saint-Lucia
variants|KNA|St Kitts and Nevis|St. Kitts & Nevis|Saint Kitts and Nevis|St Kitts
variants|VCT|St Vincent and the Grenadines|St. Vincent & the Grenadines|Saint Vincent and Grenadines|St Vincent
variants|SPM|St Pierre and Miquelon|Saint-Pierre-et-Miquelon
variants|SHN|St Helena
variants|BLM|St Barthelemy|St. Barths
variants|MAF|St Martin (French part)
variants|BIH|Bosnia & Herzegovina|Bosnia-Herzegovina|Bosnia Herzegovina|Bosnia
variants|TTO|Trinidad & Tobago|Trinidad and Tobago
variants|ATG|Antigua & Barbuda|Antigua and Barbuda
variants|STP|Sao Tome & Principe|São Tomé and Príncipe|Sao Tome and Principe
variants|GNB|Guinea Bissau|Guinea-Bissau
variants|TLS|Timor Leste|East Timor|Timor-Leste
variants|CIV|Cote d'Ivoire|Côte d'Ivoire|Cote dIvoire|Ivory Coast|Côte d’Ivoire|COTE D'IVOIRE
variants|CPV|Cape Verde|Cabo Verde
variants|MMR|Burma|Myanmar
variants|SWZ|Swaziland|Kingdom of Eswatini
variants|MKD|Macedonia|FYR Macedonia|Former Yugoslav Republic of Macedonia|The former Yugoslav Republic of Macedonia
variants|GBR|UK|U.K.|Great Britain|Britain|United Kingdom
variants|USA|US|U.S.|USA|U.S.A.|United States|America|the United States|United States of America
variants|ARE|UAE|U.A.E.|United Arab Emirates
variants|CHN|PRC|People's Republic of China|P.R. China|Mainland China
variants|TWN|ROC|Republic of China|Chinese Taipei|Taiwan, China|Taiwan
variants|VAT|Vatican|Holy See (Vatican City State)|Vatican City
variants|RUS|Russia|Russian Federation
variants|IRN|Iran|Persia|Islamic Republic of Iran
variants|SYR|Syria
variants|LAO|Laos|Lao
variants|BRN|Brunei
variants|MDA|Moldova
variants|TZA|Tanzania
variants|BOL|Bolivia
variants|VEN|Venezuela
variants|VNM|Vietnam|Viet-Nam|Viet Nam
variants|KGZ|Kyrgyzstan|Kirghizia
variants|BLR|Byelorussia|Belorussia|Belarus
variants|CZE|Czech Republic|Czechia
variants|SVK|Slovakia
variants|NLD|Holland|The Netherlands
variants|GMB|The Gambia|Gambia
variants|BHS|The Bahamas|Bahamas
variants|PSE|Palestine|Palestinian Territories|Occupied Palestinian Territory
variants|FSM|Micronesia|Federated States of Micronesia
variants|MHL|Marshall Islands
variants|SLB|Solomon Islands
variants|CAF|Central African Republic|Central African Rep.
variants|DOM|Dominican Republic|Dominican Rep.
variants|GNQ|Equatorial Guinea|Guinea, Equatorial
variants|SSD|South Sudan|Sudan, South
variants|ZAF|South Africa|Republic of South Africa
variants|NZL|New Zealand
variants|PNG|Papua New Guinea
variants|KOR|Korea, Rep.
variants|SAU|Saudi Arabia|Kingdom of Saudi Arabia
variants|XKX|Kosovo|Republic of Kosovo
variants|ESH|Western Sahara
territory|VIR|Virgin Islands (U.S.)|Virgin Islands, U.S.|U.S. Virgin Islands|US Virgin Islands
territory|VGB|Virgin Islands (British)|Virgin Islands, British|British Virgin Islands
territory|MAC|Macau|Macao|Macao SAR|Macau SAR
territory|HKG|Hong Kong|Hong Kong SAR|Hong Kong, China
territory|PRI|Puerto Rico
territory|GRL|Greenland
territory|GUM|Guam
territory|FRO|Faroe Islands|Faeroe Islands
territory|BMU|Bermuda
territory|GIB|Gibraltar
territory|NCL|New Caledonia
territory|PYF|French Polynesia
territory|REU|Reunion|Réunion
territory|MTQ|Martinique
territory|GLP|Guadeloupe
territory|GUF|French Guiana
territory|MYT|Mayotte
territory|ABW|Aruba
territory|CUW|Curacao|Curaçao
territory|IMN|Isle of Man
territory|JEY|Jersey
territory|GGY|Guernsey
territory|CYM|Cayman Islands
territory|FLK|Falkland Islands
territory|ASM|American Samoa
territory|MNP|Northern Mariana Islands
territory|COK|Cook Islands
territory|NIU|Niue
territory|TKL|Tokelau
territory|WLF|Wallis and Futuna
territory|SPM|Saint Pierre and Miquelon|St. Pierre and Miquelon
territory|AIA|Anguilla
territory|MSR|Montserrat
territory|TCA|Turks and Caicos Islands
territory|SJM|Svalbard and Jan Mayen
territory|ALA|Aland Islands|Åland Islands
territory|CXR|Christmas Island
territory|NFK|Norfolk Island
territory|ESH|Western Sahara
territory|SXM|Sint Maarten
territory|BES|Caribbean Netherlands|Bonaire, Sint Eustatius and Saba
endonym|DEU|Deutschland|Allemagne|Alemania
endonym|ESP|España|Espana|Espagne
endonym|RUS|Россия|Rossiya|Russie|Российская Федерация
endonym|TUR|Türkiye|Turkiye|Turquie
endonym|CIV|Côte d'Ivoire
endonym|AUT|Österreich|Osterreich
endonym|CHE|Schweiz|Suisse|Svizzera
endonym|SWE|Sverige
endonym|NOR|Norge
endonym|DNK|Danmark
endonym|FIN|Suomi
endonym|POL|Polska
endonym|CZE|Česko|Česká republika
endonym|HUN|Magyarország
endonym|GRC|Ελλάδα|Hellas
endonym|ITA|Italia
endonym|NLD|Nederland
endonym|BEL|België|Belgique
endonym|BRA|Brasil
endonym|MEX|México
endonym|PER|Perú
endonym|CHN|中国|Zhongguo
endonym|JPN|日本|Nippon|Nihon
endonym|KOR|대한민국|한국
endonym|UKR|Україна|Ukraina
endonym|BLR|Беларусь
endonym|ISL|Ísland
endonym|IRL|Éire
endonym|HRV|Hrvatska
endonym|SRB|Srbija|Србија
endonym|ALB|Shqipëria
endonym|ROU|România
endonym|BGR|България
endonym|EGY|Misr|مصر
endonym|MAR|Maroc|Al-Maghrib
endonym|GEO|Sakartvelo|საქართველო
endonym|ARM|Hayastan|Հայաստան
endonym|AZE|Azərbaycan|Azerbaycan
endonym|IND|Bharat|भारत
endonym|LTU|Lietuva
endonym|LVA|Latvija
endonym|EST|Eesti
endonym|SVK|Slovensko
endonym|SVN|Slovenija
endonym|MNE|Crna Gora
endonym|CYP|Κύπρος|Kıbrıs
endonym|USA|États-Unis|Estados Unidos|Vereinigte Staaten
endonym|GBR|Royaume-Uni|Reino Unido
endonym|GRL|Kalaallit Nunaat
endonym|ISR|Yisrael|ישראל
endonym|VNM|Việt Nam
historic|CSK|Czechoslovakia|Czecho-Slovakia|Czechoslovak Socialist Republic|Czech and Slovak Federative Republic
historic|DDR|East Germany|German Democratic Republic|GDR|Deutsche Demokratische Republik
historic|DEU|West Germany|Federal Republic of Germany|German Federal Republic
historic|RUS|USSR|Soviet Union|Union of Soviet Socialist Republics
historic|SRB|Yugoslavia|Socialist Federal Republic of Yugoslavia|Federal Republic of Yugoslavia|Serbia and Montenegro|Serbia & Montenegro
historic|RVN|South Vietnam|Republic of Vietnam|Vietnam, Republic of
historic|VNM|North Vietnam|Democratic Republic of Vietnam|Vietnam, Democratic Republic of
historic|YEM|North Yemen|Yemen Arab Republic
historic|YMD|South Yemen|People's Democratic Republic of Yemen|Yemen, People's Republic of|Democratic Yemen
historic|COD|Zaire
historic|MMR|Burma
historic|LKA|Ceylon
historic|THA|Siam
historic|BEN|Dahomey
historic|BFA|Upper Volta
historic|ZWE|Rhodesia
historic|KHM|Kampuchea
historic|AUH|Austria-Hungary|Austro-Hungarian Empire
historic|SIC|Two Sicilies|Kingdom of the Two Sicilies
historic|PAP|Papal States
"""
# Zanzibar means the island state only before the 1964 union (COW 511), Tanzania's region afterwards.
DATED = [("Zanzibar", "ZAN", "1964-01-01", "historic"), ("Zanzibar", "TZA", "2020-01-01", "territory"),
         ("Bavaria", "BAV", "1850-01-01", "historic"), ("Bavaria", "DEU", "2020-01-01", "territory")]
# iso-codes / coco rows whose code is not ISO 3166-1 today, mapped to the code our table uses (or skipped)
HISTORIC_ISO = {"CSK": "CSK", "DDR": "DDR", "YMD": "YMD", "SUN": "RUS", "YUG": "SRB", "SCG": "SRB", "ZAR": "COD",
                "BUR": "MMR", "TMP": "TLS", "DHY": "BEN", "HVO": "BFA", "RHO": "ZWE", "VDR": "VNM", "BYS": "BLR"}


def main(iso_dir: Path, coco: Path, shared: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from detente import actors

    rows: list[tuple[str, str, str, str]] = []
    d1 = json.loads((iso_dir / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    for r in d1:
        for k in ("name", "official_name", "common_name"):
            if r.get(k):
                rows.append((r[k], r["alpha_3"], "", "iso3166-1"))
    d3 = json.loads((iso_dir / "iso3166-3.json").read_text(encoding="utf-8"))["3166-3"]
    for r in d3:
        if r["alpha_3"] in HISTORIC_ISO:
            rows.append((r["name"], HISTORIC_ISO[r["alpha_3"]], "", "iso3166-3"))
    with coco.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            iso = HISTORIC_ISO.get(r["ISO3"], r["ISO3"])
            if iso not in actors.countries():
                continue  # coco's groupings without an ISO3 state (Channel Islands, Tanganyika...)
            for k in ("name_short", "name_official"):
                rows.append((r[k], iso, "", "coco"))
    for system, fname, code_col, name_col, start, conv in (
        ("cow", "cow_states.csv.gz", "ccode", "statenme", ("styear", "stmonth", "stday"), actors.from_cow),
        ("gw", "gw_states.csv.gz", "gwcode", "statename", None, actors.from_gw),
    ):
        with gzip.open(shared / "peacesciencer" / fname, "rt", encoding="utf-8") as fh:
            for s in csv.DictReader(fh):
                iso = conv(int(float(s[code_col])))
                when = (f"{int(float(s[start[0]])):04d}-{int(float(s[start[1]])):02d}-{int(float(s[start[2]])):02d}"
                        if start else s["startdate"])
                rows.append((s[name_col], iso or "", when, system))
    for line in HAND.strip().splitlines():
        src, iso, *names = line.split("|")
        rows.extend((n, iso, "", src) for n in names)
    rows.extend((n, iso, when, src) for n, iso, when, src in DATED)
    seen, out = set(), []
    for r in rows:
        if (r[0], r[2]) not in seen:
            seen.add((r[0], r[2]))
            out.append(r)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Country-name forms from public lists -> expected code; built by scripts/build_name_variants.py "
                 "(sources in its docstring)\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["name", "expected", "when", "source"])
        w.writerows(out)
    print(f"wrote {len(out)} names to {OUT}")
    _translations(iso_dir.parent / "locales", d1)


def _translations(locales: Path, d1: list[dict]) -> None:
    """A held-out table: iso-codes' translated short names (de, fr, es, it, ru, tr) that differ from the English
    one.  Nothing was tuned on it; bench/bench_actors.py reports the share that resolves and any wrong state."""
    import gettext

    rows, seen = [], set()
    for lang in ("de", "fr", "es", "it", "ru", "tr"):
        t = gettext.translation("iso3166-1", str(locales), languages=[lang])
        for r in d1:
            n = t.gettext(r["name"])
            if n != r["name"] and n not in seen:
                seen.add(n)
                rows.append((n, r["alpha_3"], lang))
    out = OUT.with_name("name_variants_translations.tsv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# iso-codes ISO 3166-1 translations (LGPL-2.1 data) -> ISO3; held out, see build_name_variants.py\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["name", "expected", "lang"])
        w.writerows(rows)
    print(f"wrote {len(rows)} translated names to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else ROOT.parent / "shared" / "data")
