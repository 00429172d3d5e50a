"""A stand-in for a later app (like contracts) that contributes its own workbook sheet."""
