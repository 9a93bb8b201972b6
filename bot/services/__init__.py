"""Plain services over repositories and the catalog: no aiogram types inside."""
