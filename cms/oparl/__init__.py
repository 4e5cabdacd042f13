"""Read-only open data in the shape of OParl 1.1 (https://oparl.org/spezifikation/)."""
