import pytest

POLICE_ADMIN = "admin.police@example.org"
SYSADMIN = "sysadmin@example.org"


@pytest.fixture
def police_admin(demo_data):
    return demo_data[POLICE_ADMIN]


@pytest.fixture
def sysadmin(demo_data):
    return demo_data[SYSADMIN]
