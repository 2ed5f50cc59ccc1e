/** The Packaging resource area: feeds, views, package listings and the recycle bin. */
export const packagingAreaId = '7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5';
/** API version of the feeds API operations the task uses (7.1 on Services and on the server). */
export const feedsApiVersion = '7.1';
