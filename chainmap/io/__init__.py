"""Reading and writing the spreadsheets a city bureau works in.

``units`` parses amounts, dates, areas and loads (pure, no third-party imports); ``tables``
is the tolerant generic xlsx/csv reader; ``enterprise_rows`` turns enterprise exports into
records and writes the downloadable error report. Import the submodules directly: this
package re-exports nothing, so importing ``chainmap.io.units`` never loads openpyxl.
"""
