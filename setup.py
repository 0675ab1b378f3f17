import re
from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
version = re.search(
	r'^__version__\s*=\s*"([^"]+)"', (here / "aftersales_module" / "__init__.py").read_text(), re.M
).group(1)

setup(
	name="aftersales_module",
	version=version,
	description="After-sales service for ERPNext: complaints, warranty, repairs, contracts, return visits",
	long_description=(here / "README.md").read_text(encoding="utf-8"),
	long_description_content_type="text/markdown",
	author="aftersales_module developers",
	license="MIT",
	python_requires=">=3.10",
	packages=find_packages(include=["aftersales_module", "aftersales_module.*"]),
	include_package_data=True,
	zip_safe=False,
	install_requires=["requests"],
)
