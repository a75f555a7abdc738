"""Validation of figures (/validacion): the sello de calidad given or sent back."""
