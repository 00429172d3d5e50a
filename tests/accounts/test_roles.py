import pytest
from django.contrib.auth.models import Group

from apps.accounts.roles import GROUP_NAMES, declared_permissions, sync_role_groups


@pytest.mark.django_db
def test_four_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUP_NAMES.values())


@pytest.mark.django_db
def test_groups_hold_exactly_the_declared_permissions():
    sync_role_groups()
    wanted = declared_permissions()
    for role, name in GROUP_NAMES.items():
        group = Group.objects.get(name=name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == wanted[role], role


@pytest.mark.django_db
def test_lawyer_reads_numbers_but_not_devices(personas):
    lawyer = personas["lawyer"]
    assert lawyer.has_perm("telecom.view_phonenumber")
    assert not lawyer.has_perm("telecom.view_device")
    assert not lawyer.has_perm("telecom.change_phonenumber")


@pytest.mark.django_db
def test_only_admin_is_staff(personas):
    assert [r for r, u in personas.items() if u.is_staff] == ["admin"]


@pytest.mark.django_db
def test_login_page_signs_a_user_in(client, personas):
    response = client.post("/accounts/login/", {"username": "lawyer-user", "password": "Test-pass-1234"})
    assert response.status_code == 302
    assert client.get("/api/v1/").status_code == 200


@pytest.mark.django_db
def test_logout_ends_the_session(client_as):
    client = client_as("marketer")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/v1/").status_code in (401, 403)


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account(client, personas):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "lawyer-user", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "lawyer-user", "password": "Test-pass-1234"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
