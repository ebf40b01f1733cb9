"""One module per printer URL scheme; ``hardware.printing.printers`` picks one."""
