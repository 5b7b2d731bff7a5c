/// Every file under `Resources/`, by its path there, compiled into the binary.
///
/// SwiftPM's `.embedInCode` flattens folders into `PackageResources.<basename>`, so file names are
/// unique and each one is listed here; a test fails when a file under `Resources/` is missing.
public enum EmbeddedResources {
    public static let files: [String: [UInt8]] = [
        "templates/base.mustache": PackageResources.base_mustache,
        "templates/layout_account.mustache": PackageResources.layout_account_mustache,
        "templates/partial_csrf_field.mustache": PackageResources.partial_csrf_field_mustache,
        "templates/partial_form_field.mustache": PackageResources.partial_form_field_mustache,
        "templates/partial_form_textarea.mustache": PackageResources.partial_form_textarea_mustache,
        "templates/company_home.mustache": PackageResources.company_home_mustache,
        "templates/company_about_us.mustache": PackageResources.company_about_us_mustache,
        "templates/company_contact_us.mustache": PackageResources.company_contact_us_mustache,
        "templates/error_page.mustache": PackageResources.error_page_mustache,
        "templates/catalog_product_list.mustache": PackageResources.catalog_product_list_mustache,
        "templates/catalog_product_detail.mustache": PackageResources.catalog_product_detail_mustache,
        "templates/catalog_search.mustache": PackageResources.catalog_search_mustache,
        "templates/partial_product_card.mustache": PackageResources.partial_product_card_mustache,
        "templates/partial_pagination.mustache": PackageResources.partial_pagination_mustache,
        "templates/partial_form_select.mustache": PackageResources.partial_form_select_mustache,
        "templates/partial_form_errors.mustache": PackageResources.partial_form_errors_mustache,
        "templates/accounts_signup.mustache": PackageResources.accounts_signup_mustache,
        "templates/accounts_login.mustache": PackageResources.accounts_login_mustache,
        "templates/accounts_account.mustache": PackageResources.accounts_account_mustache,
        "templates/accounts_password_reset.mustache": PackageResources.accounts_password_reset_mustache,
        "templates/accounts_password_reset_done.mustache": PackageResources.accounts_password_reset_done_mustache,
        "templates/accounts_password_reset_confirm.mustache": PackageResources.accounts_password_reset_confirm_mustache,
        "templates/accounts_password_reset_invalid.mustache": PackageResources.accounts_password_reset_invalid_mustache,
        "templates/address_list.mustache": PackageResources.address_list_mustache,
        "templates/address_form.mustache": PackageResources.address_form_mustache,
        "templates/address_confirm_delete.mustache": PackageResources.address_confirm_delete_mustache,
        "templates/basket_basket.mustache": PackageResources.basket_basket_mustache,
        "templates/checkout_address_select.mustache": PackageResources.checkout_address_select_mustache,
        "templates/checkout_done.mustache": PackageResources.checkout_done_mustache,
        "templates/orders_list.mustache": PackageResources.orders_list_mustache,
        "templates/orders_detail.mustache": PackageResources.orders_detail_mustache,
        "static/site.css": PackageResources.site_css,
        "static/site.js": PackageResources.site_js,
        "static/favicon.svg": PackageResources.favicon_svg,
        "data/demo_catalogue.csv": PackageResources.demo_catalogue_csv,
        "data/common_passwords.txt": PackageResources.common_passwords_txt,
    ]
}
