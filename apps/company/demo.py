"""Demo company: 9 cities, 20 salons, 2–3 staff each (Russian names). Idempotent."""

from __future__ import annotations

from apps.core.seeding import upsert

from .models import City, Department, Employee

# (name, time zone, area code, city code for salon codes, [(salon name, address), ...])
CITIES = [
    (
        "Москва",
        "Europe/Moscow",
        "495",
        "MSK",
        [
            ("Салон на Тверской", "ул. Тверская, 12"),
            ("Салон в Сокольниках", "ул. Русаковская, 31"),
            ("Салон на Профсоюзной", "ул. Профсоюзная, 56"),
        ],
    ),
    (
        "Санкт-Петербург",
        "Europe/Moscow",
        "812",
        "SPB",
        [
            ("Салон на Невском", "Невский пр., 88"),
            ("Салон на Московском", "Московский пр., 143"),
            ("Салон в Приморском", "Комендантский пр., 9"),
        ],
    ),
    (
        "Казань",
        "Europe/Moscow",
        "843",
        "KZN",
        [
            ("Салон на Баумана", "ул. Баумана, 44"),
            ("Салон на Пушкина", "ул. Пушкина, 17"),
        ],
    ),
    (
        "Уфа",
        "Asia/Yekaterinburg",
        "347",
        "UFA",
        [
            ("Салон на Ленина", "ул. Ленина, 28"),
            ("Салон на проспекте Октября", "пр. Октября, 105"),
        ],
    ),
    (
        "Екатеринбург",
        "Asia/Yekaterinburg",
        "343",
        "EKB",
        [
            ("Салон на Малышева", "ул. Малышева, 51"),
            ("Салон на Вайнера", "ул. Вайнера, 9"),
        ],
    ),
    (
        "Новосибирск",
        "Asia/Novosibirsk",
        "383",
        "NSK",
        [
            ("Салон на Красном проспекте", "Красный пр., 77"),
            ("Салон на Гоголя", "ул. Гоголя, 13"),
        ],
    ),
    (
        "Самара",
        "Europe/Samara",
        "846",
        "SMR",
        [
            ("Салон на Куйбышева", "ул. Куйбышева, 90"),
            ("Салон на Московском шоссе", "Московское ш., 24"),
        ],
    ),
    (
        "Нижний Новгород",
        "Europe/Moscow",
        "831",
        "NNV",
        [
            ("Салон на Большой Покровской", "ул. Большая Покровская, 32"),
            ("Салон на Горького", "ул. Горького, 117"),
        ],
    ),
    (
        "Краснодар",
        "Europe/Moscow",
        "861",
        "KRD",
        [
            ("Салон на Красной", "ул. Красная, 176"),
            ("Салон на Северной", "ул. Северная, 326"),
        ],
    ),
]

FIRST_NAMES_F = [
    "Анна",
    "Мария",
    "Елена",
    "Алсу",
    "Гульнара",
    "Светлана",
    "Наталья",
    "Дарья",
    "Юлия",
    "Ксения",
]
FIRST_NAMES_M = [
    "Алексей",
    "Дмитрий",
    "Рустам",
    "Ильдар",
    "Павел",
    "Игорь",
    "Тимур",
    "Андрей",
    "Максим",
    "Олег",
]
SURNAMES = [
    ("Иванова", "Иванов"),
    ("Смирнова", "Смирнов"),
    ("Хабибуллина", "Хабибуллин"),
    ("Галиева", "Галиев"),
    ("Кузнецова", "Кузнецов"),
    ("Попова", "Попов"),
    ("Сафина", "Сафин"),
    ("Васильева", "Васильев"),
    ("Морозова", "Морозов"),
    ("Волкова", "Волков"),
    ("Ахметова", "Ахметов"),
    ("Соколова", "Соколов"),
    ("Лебедева", "Лебедев"),
    ("Зайцева", "Зайцев"),
]
POSITIONS = ["Руководитель салона", "Менеджер по продажам", "Менеджер по продажам"]


def salon_code(city_code: str, index: int) -> str:
    return f"{city_code}-{index:02d}"


def staff_of(salon_number: int) -> list[tuple[str, str]]:
    """Two or three people per salon, names varied deterministically."""
    size = 3 if salon_number % 2 == 0 else 2
    people = []
    for slot in range(size):
        seed = salon_number * 3 + slot
        female = seed % 2 == 0
        first = (FIRST_NAMES_F if female else FIRST_NAMES_M)[seed * 7 % 10]
        surname = SURNAMES[seed * 5 % len(SURNAMES)][0 if female else 1]
        people.append((f"{surname} {first}", POSITIONS[slot]))
    return people


# Demo databases seeded before the cities got their Russian names: seeding again renames them in place
# instead of adding a second set of cities.
ENGLISH_NAMES = {
    "Москва": "Moscow",
    "Санкт-Петербург": "Saint Petersburg",
    "Казань": "Kazan",
    "Уфа": "Ufa",
    "Екатеринбург": "Yekaterinburg",
    "Новосибирск": "Novosibirsk",
    "Самара": "Samara",
    "Нижний Новгород": "Nizhny Novgorod",
    "Краснодар": "Krasnodar",
}


def seed(*, stdout) -> None:
    salons = staff = 0
    salon_number = 0
    for name, zone, area_code, city_code, salon_rows in CITIES:
        if not City.objects.filter(name=name).exists():
            for old in City.objects.filter(name=ENGLISH_NAMES[name], area_code=area_code):
                old.name = name
                old.save(update_fields=["name"])
        city, _ = upsert(City, {"name": name}, {"timezone": zone, "area_code": area_code})
        for index, (salon_name, address) in enumerate(salon_rows, start=1):
            salon_number += 1
            code = salon_code(city_code, index)
            department, _ = upsert(
                Department,
                {"code": code},
                {
                    "name": salon_name,
                    "kind": Department.Kind.SALON,
                    "city": city,
                    "address": address,
                    "cost_centre": f"CC-{code}",
                    "is_active": True,
                },
            )
            salons += 1
            for slot, (person, position) in enumerate(staff_of(salon_number), start=1):
                upsert(
                    Employee,
                    {"department": department, "name": person},
                    {"position": position, "email": f"{code.lower()}.{slot}@demo.example", "is_active": True},
                )
                staff += 1
    stdout.write(f"company: {len(CITIES)} cities, {salons} salons, {staff} staff")
