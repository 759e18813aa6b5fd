-- Every start re-renders the posts stored by an older renderer (Markup/PostRendering.cs). Without an index
-- that check read every post, at every start: seconds on a board of a million posts, to find none.
CREATE INDEX posts_by_renderer ON posts (renderer_version);
